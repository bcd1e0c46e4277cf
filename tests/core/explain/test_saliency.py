"""core/explain/saliency.py, gradient saliency: exact gradients on a linear model, zero where the model cannot see."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from core.explain import saliency
from core.models.probe import model_input
from tests.support.explain_models import SIZE, left_half_model, photo


def linear_model(weights: np.ndarray) -> keras.Model:
    """logit = Σ weights · pixels / 255, then a sigmoid."""
    pixels = keras.Input(weights.shape, name="pixels")
    x = layers.Rescaling(1 / 255, name="rescale")(pixels)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    model = keras.Model(pixels, outputs)
    model.get_layer("output").set_weights([weights.reshape(-1, 1), np.zeros(1, np.float32)])
    return model


def test_linear_model_gradient_is_its_weights():
    weights = np.random.default_rng(0).normal(size=(8, 8, 3)).astype(np.float32)
    model = linear_model(weights)
    result = saliency.explain(model, photo(8, 8), class_index=1)
    np.testing.assert_allclose(result.details["gradients"], weights / 255, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(result.details["magnitude"], np.abs(weights).max(axis=-1) / 255, rtol=1e-5)
    cat = saliency.explain(model, photo(8, 8), class_index=0)
    np.testing.assert_allclose(cat.details["gradients"], -weights / 255, rtol=1e-5, atol=1e-8)
    assert result.values.max() == pytest.approx(1.0) and result.values.min() >= 0


def test_pixels_the_model_cannot_see_have_zero_saliency():
    model = left_half_model()
    result = saliency.explain(model, photo(SIZE, SIZE), class_index=1)
    assert result.values.shape == (SIZE, SIZE)
    assert np.all(result.details["gradients"][:, SIZE // 2:] == 0.0)
    assert np.all(result.details["magnitude"][:, : SIZE // 2] > 0.0)


def test_smoothgrad_is_seeded_and_averages():
    model = left_half_model()
    first = saliency.explain(model, photo(SIZE, SIZE), class_index=1, smooth_samples=4, seed=1)
    again = saliency.explain(model, photo(SIZE, SIZE), class_index=1, smooth_samples=4, seed=1)
    np.testing.assert_array_equal(first.details["gradients"], again.details["gradients"])
    assert first.details["samples"] == 4 and np.all(first.details["gradients"][:, SIZE // 2:] == 0.0)
    with pytest.raises(ValueError, match="negative"):
        saliency.explain(model, photo(SIZE, SIZE), smooth_samples=-1)


def test_predicted_class_by_default(tiny_model):
    pixels = photo(40, 50)
    result = saliency.explain(tiny_model, pixels)
    # The model's own answer, asked directly: a dog probability above 0.5 means class 1.
    dog = float(keras.ops.convert_to_numpy(tiny_model(model_input(tiny_model, pixels), training=False))[0, 0])
    assert result.predicted_class == int(dog > 0.5)
    assert result.class_index == result.predicted_class
    assert result.details["gradients"].shape == (32, 32, 3)
    # Asking for the other class explicitly gives its gradients, the opposite of the default's.
    other = saliency.explain(tiny_model, pixels, class_index=1 - result.predicted_class)
    assert other.class_index == 1 - result.predicted_class and other.predicted_class == result.predicted_class
    np.testing.assert_allclose(other.details["gradients"], -result.details["gradients"], rtol=1e-4, atol=1e-8)
