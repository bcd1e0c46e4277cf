"""core/models/inference.py: the one batched, thread-safe prediction every page and script uses."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest

from core.models import architectures, inference


def photos(count: int, size: int = 32, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (count, size, size, 3)).astype(np.uint8)


def eager_dog_probability(model: keras.Model, pixels: np.ndarray) -> np.ndarray:
    """The model called directly, without inference.py: its sigmoid output per photo."""
    return keras.ops.convert_to_numpy(model(pixels.astype("float32"), training=False))[:, 0]


def test_probabilities_are_the_models_sigmoid_as_two_classes(tiny_model):
    pixels = photos(5)
    probabilities = inference.predict_probabilities(tiny_model, pixels)
    dog = eager_dog_probability(tiny_model, pixels)
    assert probabilities.shape == (5, 2)
    np.testing.assert_allclose(probabilities[:, 1], dog, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(probabilities[:, 0], 1 - dog, rtol=1e-5, atol=1e-7)


def test_small_batches_give_the_same_result_as_one_batch(tiny_model):
    pixels = photos(11, seed=1)
    whole = inference.predict_probabilities(tiny_model, pixels, batch_size=64)
    for batch_size in (1, 3, 10, 11):
        np.testing.assert_allclose(inference.predict_probabilities(tiny_model, pixels, batch_size=batch_size), whole,
                                   rtol=1e-5, atol=1e-7)


def test_one_photo_without_a_batch_axis(tiny_model):
    pixels = photos(3, seed=2)
    single = inference.predict_probabilities(tiny_model, pixels[1])
    assert single.shape == (1, 2)
    np.testing.assert_allclose(single[0], inference.predict_probabilities(tiny_model, pixels)[1], rtol=1e-5, atol=1e-7)


def test_an_empty_batch_gives_no_rows(tiny_model):
    empty = inference.predict_probabilities(tiny_model, np.zeros((0, 32, 32, 3), np.uint8))
    assert empty.shape == (0, 2)


def test_many_classes_keep_their_softmax():
    keras.utils.set_random_seed(3)
    model = architectures.tiny(image_size=32, num_classes=4)
    pixels = photos(6, seed=3)
    probabilities = inference.predict_probabilities(model, pixels, batch_size=4)
    expected = keras.ops.convert_to_numpy(model(pixels.astype("float32"), training=False))
    assert probabilities.shape == (6, 4)
    np.testing.assert_allclose(probabilities, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)


def test_predict_checks_the_input_size(tiny_model):
    with pytest.raises(ValueError, match="32×32"):
        inference.predict_probabilities(tiny_model, np.zeros((1, 40, 40, 3), np.uint8))


@pytest.mark.parametrize("shape", [(32, 32), (2, 32, 32, 4), (2, 32, 32, 1), (1, 1, 32, 32, 3)])
def test_wrong_shapes_are_refused_with_the_expected_size(tiny_model, shape):
    with pytest.raises(ValueError) as caught:
        inference.predict_probabilities(tiny_model, np.zeros(shape, np.uint8))
    assert str(caught.value) == f"Expected a batch of 32×32 RGB images, got shape {shape}."


def test_a_batch_size_below_one_is_refused(tiny_model):
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        inference.predict_probabilities(tiny_model, photos(2), batch_size=0)


def test_many_threads_at_once_give_the_sequential_results():
    # A fresh model, so the threads also race to trace its graph for the first time,
    # as the first browser sessions do after the app starts.
    keras.utils.set_random_seed(4)
    model = architectures.tiny(image_size=32)
    batches = [photos(count, seed=10 + index) for index, count in enumerate((1, 2, 5, 3, 7, 1, 4, 6))]
    start = threading.Barrier(len(batches))

    def run(pixels: np.ndarray) -> np.ndarray:
        start.wait(timeout=60)
        return inference.predict_probabilities(model, pixels, batch_size=3)

    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        concurrent = list(pool.map(run, batches))
    for pixels, result in zip(batches, concurrent):
        np.testing.assert_allclose(result[:, 1], eager_dog_probability(model, pixels), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(result, inference.predict_probabilities(model, pixels, batch_size=3),
                                   rtol=1e-6, atol=1e-7)
