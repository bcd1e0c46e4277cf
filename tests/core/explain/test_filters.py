"""core/explain/filters.py, learned filters: exact weights out, a fresh untrained copy, and the drawing
normalisations."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.explain import filters
from core.models import architectures, registry
from tests.support.requirements import require


@pytest.fixture(scope="module")
def known_model():
    """The tiny CNN with conv1 weights we chose by hand."""
    keras.utils.set_random_seed(1)
    model = architectures.tiny(image_size=32)
    kernel = np.arange(3 * 3 * 3 * 4, dtype=np.float32).reshape(3, 3, 3, 4) / 100.0 - 0.5
    bias = np.array([0.1, -0.2, 0.0, 0.3], np.float32)
    model.get_layer("conv1").set_weights([kernel, bias])
    return model, kernel, bias


def test_get_filters_returns_the_layer_weights(known_model):
    model, kernel, bias = known_model
    result = filters.get_filters(model, "conv1")
    np.testing.assert_array_equal(result.kernel, kernel)
    np.testing.assert_array_equal(result.bias, bias)
    assert result.trained and result.filter_count == 4 and result.input_channels == 3
    assert result.kernel_size == (3, 3)


def test_untrained_copy_has_zero_biases_and_glorot_weights(known_model):
    model, kernel, _ = known_model
    fresh = filters.untrained_filters(model, "conv1", seed=0)
    assert fresh.kernel.shape == kernel.shape and not fresh.trained
    np.testing.assert_array_equal(fresh.bias, np.zeros(4, np.float32))
    # Glorot uniform: |w| <= sqrt(6 / (fan_in + fan_out)), fan_in = 3·3·3, fan_out = 3·3·4.
    assert np.abs(fresh.kernel).max() <= np.sqrt(6 / (27 + 36)) + 1e-6
    assert not np.allclose(fresh.kernel, kernel)
    again = filters.untrained_filters(model, "conv1", seed=0)
    np.testing.assert_array_equal(again.kernel, fresh.kernel)  # same seed, same picture
    # The model's own weights are untouched.
    np.testing.assert_array_equal(filters.get_filters(model, "conv1").kernel, kernel)


def test_rgb_per_filter_stretches_each_filter_to_0_1():
    kernel = np.zeros((3, 3, 3, 2), np.float32)
    kernel[..., 0] = np.linspace(-2, 4, 27).reshape(3, 3, 3)
    kernel[..., 1] = 0.25  # a constant filter
    images = filters.filters_as_rgb(kernel, "per_filter")
    assert images.shape == (2, 3, 3, 3)
    assert images[0].min() == 0.0 and images[0].max() == 1.0
    np.testing.assert_allclose(images[0], (kernel[..., 0] + 2) / 6, atol=1e-6)
    np.testing.assert_array_equal(images[1], np.full((3, 3, 3), 0.5, np.float32))


def test_rgb_layer_normalisation_uses_one_scale():
    kernel = np.zeros((3, 3, 3, 2), np.float32)
    kernel[..., 0] = 1.0
    kernel[..., 1] = -1.0
    kernel[0, 0, 0, 1] = 3.0
    images = filters.filters_as_rgb(kernel, "layer")
    assert images.min() == 0.0 and images.max() == 1.0
    assert images[0, 1, 1, 0] == pytest.approx(0.5)  # 1.0 on the -1..3 scale
    assert images[1, 1, 1, 0] == pytest.approx(0.0)


def test_rgb_rejects_deeper_layers_and_unknown_normalisation():
    with pytest.raises(ValueError, match="3 input channels"):
        filters.filters_as_rgb(np.zeros((3, 3, 8, 4), np.float32))
    with pytest.raises(ValueError, match="Unknown normalisation"):
        filters.filters_as_rgb(np.zeros((3, 3, 3, 4), np.float32), "sideways")


def test_channel_grid_and_filter_channels_reorder_exactly(known_model):
    _, kernel, _ = known_model
    grid = filters.channel_grid(kernel, filters=2, channels=3)
    assert grid.shape == (2, 3, 3, 3)
    np.testing.assert_array_equal(grid[1, 2], kernel[:, :, 2, 1])
    slices = filters.filter_channels(kernel, 3)
    assert slices.shape == (3, 3, 3)
    np.testing.assert_array_equal(slices[0], kernel[:, :, 0, 3])
    with pytest.raises(ValueError, match="Filter 5 does not exist"):
        filters.filter_channels(kernel, 4)


def test_layers_without_filters_are_refused(known_model):
    model, _, _ = known_model
    with pytest.raises(ValueError, match="not a Conv2D"):
        filters.get_filters(model, "pool1")
    with pytest.raises(ValueError, match="No layer"):
        filters.get_filters(model, "conv9")


def test_summary_counts_nonzero_biases(known_model):
    model, _, _ = known_model
    summary = filters.summarise(filters.get_filters(model, "conv1"))
    assert summary.bias_nonzero == 3
    assert filters.summarise(filters.untrained_filters(model, "conv1")).bias_nonzero == 0


def test_classic_filter_shapes():
    model = architectures.classic()
    shapes = {name: filters.get_filters(model, name).kernel.shape for name in ("conv1", "conv2", "conv3", "conv4")}
    assert shapes == {"conv1": (3, 3, 3, 32), "conv2": (3, 3, 32, 64), "conv3": (3, 3, 64, 128),
                      "conv4": (3, 3, 128, 128)}


@pytest.mark.slow
def test_shipped_classic_was_trained():
    infos = {info.name: info for info in registry.list_models() if info.available}
    require("classic" in infos, "The shipped models/classic")
    model = registry.load_model("classic")
    trained = filters.get_filters(model, "conv1")
    assert trained.kernel.shape == (3, 3, 3, 32)
    assert np.count_nonzero(trained.bias) > 0  # training moved the biases away from 0
