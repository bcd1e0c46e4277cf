"""core/explain/drill_down.py: the exact arithmetic behind one activation, checked against the model."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from core.explain import drill_down, feature_maps
from core.models import architectures
from core.models.probe import model_input
from tests.support.explain_models import photo


def test_drill_down_matches_the_model_on_classic():
    keras.utils.set_random_seed(4)
    model = architectures.classic()
    pixels = photo(160, 160, seed=5)
    conv1 = drill_down.drill_down(model, pixels, "conv1", 10, 20, 3)
    assert conv1.window.shape == (3, 3, 3) and conv1.matches
    # conv1's input is the rescaled photo: the window holds pixels / 255.
    batch = model_input(model, pixels)
    resized = batch[0] / 255.0
    np.testing.assert_allclose(conv1.window, resized[10:13, 20:23], atol=1e-6)
    # The arithmetic worked out here from the layer's weights, and the value Keras itself computes there.
    kernel, bias = model.get_layer("conv1").get_weights()
    weighted_sum = float((resized[10:13, 20:23] * kernel[..., 3]).sum())
    assert conv1.weighted_sum == pytest.approx(weighted_sum, abs=1e-5)
    assert conv1.bias == pytest.approx(float(bias[3]))
    assert conv1.recomputed == pytest.approx(max(weighted_sum + float(bias[3]), 0.0), abs=1e-5)
    conv1_output = keras.Model(model.input, model.get_layer("conv1").output)(batch, training=False)
    assert conv1.model_value == pytest.approx(float(keras.ops.convert_to_numpy(conv1_output)[0, 10, 20, 3]), abs=1e-6)
    _, produced = feature_maps.layer_input_output(model, pixels, "conv2")
    row, column, channel = np.unravel_index(int(np.argmax(produced)), produced.shape)
    conv2 = drill_down.drill_down(model, pixels, "conv2", int(row), int(column), int(channel))
    assert conv2.window.shape == (3, 3, 32) and conv2.activation == "relu"
    assert conv2.model_value > 0 and conv2.matches
    assert conv2.pre_activation == pytest.approx(conv2.weighted_sum + conv2.bias)
    pool = drill_down.drill_down(model, pixels, "pool2", 5, 6, 7)
    assert pool.window.shape == (2, 2) and pool.operation == "max" and pool.matches
    assert (pool.input_top, pool.input_left) == (10, 12)
    pool_input, _ = feature_maps.layer_input_output(model, pixels, "pool2")
    np.testing.assert_allclose(pool.window, pool_input[10:12, 12:14, 7], atol=1e-6)
    assert pool.recomputed == pytest.approx(float(pool_input[10:12, 12:14, 7].max()))


def test_drill_down_with_same_padding_and_stride_two():
    keras.utils.set_random_seed(6)
    inputs = keras.Input((9, 9, 3))
    outputs = layers.Conv2D(3, 3, strides=2, padding="same", activation="relu", name="conv")(inputs)
    outputs = layers.MaxPooling2D(2, padding="same", name="pool")(outputs)
    model = keras.Model(inputs, outputs)
    values = np.random.default_rng(7).normal(size=(9, 9, 3)).astype(np.float32)
    received, produced = feature_maps.layer_input_output(model, values, "conv")
    assert produced.shape == (5, 5, 3)
    for row in range(5):
        for column in range(5):
            result = drill_down.conv_arithmetic(model.get_layer("conv"), received, produced, row, column, 1)
            assert result.matches, (row, column, result.recomputed, result.model_value)
    pool_in, pool_out = feature_maps.layer_input_output(model, values, "pool")
    corner = drill_down.pool_arithmetic(model.get_layer("pool"), pool_in, pool_out, 2, 2, 0)
    assert corner.matches and np.isnan(corner.window).sum() == 3  # only one real value at the padded corner


def test_clear_errors():
    model = architectures.tiny()
    with pytest.raises(ValueError, match="outside"):
        drill_down.drill_down(model, photo(), "conv1", 30, 0, 0)
    with pytest.raises(ValueError, match="plain Conv2D"):
        received, produced = feature_maps.layer_input_output(model, photo(), "pool1")
        drill_down.conv_arithmetic(model.get_layer("pool1"), received, produced, 0, 0, 0)
