"""Photos from many sessions at once share a run of the network: equal answers, and one bad photo fails only its own."""

from __future__ import annotations

import threading

import keras
import numpy as np
import pytest

from core.prediction.batching import PredictionBatcher, shared_batcher
from core.prediction.features import Features, feature_extractor

STUDENTS = 12


def student_photos(count: int = STUDENTS, size: int = 32) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.integers(0, 256, (1, size, size, 3)).astype(np.float32) for _ in range(count)]


def all_at_once(batcher, photos: list[np.ndarray]) -> list[Features | Exception]:
    """Each photo from its own thread (a session), all released at the same moment."""
    results: list[Features | Exception | None] = [None] * len(photos)
    start = threading.Barrier(len(photos))

    def student(index: int) -> None:
        start.wait()
        try:
            results[index] = batcher(photos[index])
        except Exception as error:  # noqa: BLE001 - the test looks at it
            results[index] = error

    threads = [threading.Thread(target=student, args=(index,)) for index in range(len(photos))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logits))


def test_twelve_students_share_one_run_and_get_what_the_network_gives_each_photo_alone(tiny_model):
    photos = student_photos()
    # A long wait and a batch of exactly twelve: the batch fills long before the wait ends, whatever the timing.
    batcher = PredictionBatcher(feature_extractor(tiny_model), max_batch=STUDENTS, max_wait_seconds=10, workers=1)
    results = all_at_once(batcher, photos)
    assert batcher.batch_sizes == [STUDENTS]
    for photo, features in zip(photos, results):
        assert isinstance(features, Features)
        alone = keras.ops.convert_to_numpy(tiny_model(photo, training=False))  # Keras itself, one photo
        np.testing.assert_allclose(sigmoid(features.logits), alone, rtol=1e-4, atol=1e-6)
        assert all(len(rows) == 1 for rows in features.by_layer.values())


def test_a_bad_photo_fails_only_its_own_answer(tiny_model):
    extractor = feature_extractor(tiny_model)

    def network(batch: np.ndarray) -> Features:
        if np.isnan(batch).any():  # stands for whatever a bad photo makes the network raise
            raise ValueError("This photo has no numbers the network can read.")
        return extractor(batch)

    photos = student_photos(4)
    photos[2] = np.full_like(photos[2], np.nan)
    batcher = PredictionBatcher(network, max_batch=4, max_wait_seconds=10, workers=1)
    results = all_at_once(batcher, photos)
    assert isinstance(results[2], ValueError) and "no numbers" in str(results[2])
    for index in (0, 1, 3):
        alone = keras.ops.convert_to_numpy(tiny_model(photos[index], training=False))
        np.testing.assert_allclose(sigmoid(results[index].logits), alone, rtol=1e-4, atol=1e-6)
    assert batcher.batch_sizes[0] == 4 and sorted(batcher.batch_sizes[1:]) == [1, 1, 1, 1]


def test_a_photo_of_the_wrong_size_gets_its_own_message_and_the_others_their_answers(tiny_model):
    photos = student_photos(3)
    photos[1] = np.zeros((1, 48, 48, 3), np.float32)
    results = all_at_once(PredictionBatcher(feature_extractor(tiny_model), max_batch=3, max_wait_seconds=10,
                                           workers=1), photos)
    assert isinstance(results[1], ValueError) and "32×32" in str(results[1])
    assert isinstance(results[0], Features) and isinstance(results[2], Features)


def test_a_full_batch_runs_at_once_and_the_limits_are_checked(tiny_model):
    batcher = PredictionBatcher(feature_extractor(tiny_model), max_batch=2, max_wait_seconds=10)
    features = batcher(np.concatenate(student_photos(3)))
    assert features.logits.shape == (3, 1) and batcher.batch_sizes == [3]
    with pytest.raises(ValueError, match="at least one photo"):
        PredictionBatcher(feature_extractor(tiny_model), max_batch=0)
    with pytest.raises(ValueError, match="At least one batch"):
        PredictionBatcher(feature_extractor(tiny_model), workers=0)
    with pytest.raises(ValueError, match="non-empty batch"):
        batcher(np.zeros((0, 32, 32, 3), np.float32))


def test_every_session_uses_the_models_one_batcher(tiny_model):
    assert shared_batcher(tiny_model) is shared_batcher(tiny_model)
