"""core/explain/activation_max.py: a filter that wants red and hates green gets a red picture."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.explain import activation_max
from core.models import architectures


@pytest.fixture(scope="module")
def red_filter_model():
    keras.utils.set_random_seed(10)
    model = architectures.tiny(image_size=32)
    kernel = np.zeros((3, 3, 3, 4), np.float32)
    kernel[:, :, 0, 0] = 1.0  # filter 0: red up ...
    kernel[:, :, 1, 0] = -1.0  # ... green down
    kernel[:, :, 2, 1] = 1.0  # filter 1: blue
    model.get_layer("conv1").set_weights([kernel, np.array([-5.0, 0.0, 0.0, 0.0], np.float32)])
    return model


def test_the_pattern_matches_the_filter(red_filter_model):
    result = activation_max.maximise_activation(red_filter_model, "conv1", 0, steps=25)
    red, green, blue = (result.image[..., channel].mean() for channel in range(3))
    assert red > 0.8 and green < 0.2 and abs(blue - 0.5) < 0.1
    # Filter 0 starts silent (bias -5: ReLU gives 0 on gray noise) yet still climbs,
    # because the response is taken before the ReLU.
    assert result.start_activation < 0 < result.final_activation
    assert len(result.history) == 26 and result.image.shape == (32, 32, 3)
    assert 0.0 <= result.image.min() and result.image.max() <= 1.0
    assert "before its activation" in result.objective
    shown = result.display_image()
    assert shown.dtype == np.uint8 and shown.shape == (32, 32, 3)


def test_other_filter_and_deeper_layers(red_filter_model):
    blue = activation_max.maximise_activation(red_filter_model, "conv1", 1, steps=20)
    assert blue.image[..., 2].mean() > blue.image[..., 0].mean() + 0.3
    deeper = activation_max.maximise_activation(red_filter_model, "conv2", 3, steps=10)
    assert deeper.final_activation > deeper.start_activation
    pooled = activation_max.maximise_activation(red_filter_model, "pool1", 1, steps=5)
    assert "feature map" in pooled.objective


def test_seeded_and_repeatable(red_filter_model):
    first = activation_max.maximise_activation(red_filter_model, "conv2", 1, steps=6, seed=3)
    second = activation_max.maximise_activation(red_filter_model, "conv2", 1, steps=6, seed=3)
    np.testing.assert_array_equal(first.image, second.image)


def test_bad_requests(red_filter_model):
    with pytest.raises(ValueError, match="Filter 4 does not exist"):
        activation_max.maximise_activation(red_filter_model, "conv1", 4)
    with pytest.raises(ValueError, match="at least one step"):
        activation_max.maximise_activation(red_filter_model, "conv1", 0, steps=0)
    with pytest.raises(ValueError, match="no feature maps"):
        activation_max.maximise_activation(red_filter_model, "output", 0)
