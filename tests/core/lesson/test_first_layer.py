"""Steps 1 to 4 against the models' own layers, computed here without the lesson's code."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.lesson import first_steps
from core.lesson.first_layer import REGION_SIDE, first_layer_lesson
from tests.core.lesson.models import photo


def test_classic_first_layer_is_read_from_the_layer(classic):
    _, _, lesson = classic
    conv = lesson.conv
    assert (conv.path, conv.kernel_size, conv.stride, conv.padding, conv.filters) == ("conv1", (3, 3), 1, "valid", 4)
    assert conv.input_shape == (20, 20, 3) and conv.output_shape == (18, 18, 4)
    assert conv.input_range == (0.0, 1.0)
    assert lesson.relu.inside_conv and lesson.relu.cap is None
    assert lesson.pool_layer == "pool1"


def test_classic_worked_number_is_the_layer_output_and_the_sum_by_hand(classic):
    model, pixels, lesson = classic
    worked = lesson.worked
    conv = model.get_layer("conv1")
    kernel, bias = (keras.ops.convert_to_numpy(weight) for weight in conv.weights)
    scaled = pixels.astype(np.float64) / 255
    window = scaled[worked.row:worked.row + 3, worked.column:worked.column + 3]
    by_hand = float((window * kernel[..., lesson.channel]).sum() + bias[lesson.channel])
    assert worked.pre_activation == pytest.approx(by_hand, abs=1e-5)
    every_filter = np.einsum("abc,abcf->f", window, kernel) + bias
    assert (by_hand > 0) == bool((every_filter > 0).any())  # a number that survives ReLU, when a filter has one
    layer_output = keras.Model(model.inputs[0], conv.output)(pixels[None].astype(np.float32))
    assert worked.model_value == pytest.approx(float(layer_output[0, worked.row, worked.column, lesson.channel]),
                                               abs=1e-6)
    assert worked.matches


def test_classic_relu_and_pooling_match_the_model(classic):
    model, pixels, lesson = classic
    assert lesson.relu_matches
    assert (lesson.pre_map < 0).any() and np.all(lesson.post_map >= 0)
    pooled = keras.Model(model.inputs[0], model.get_layer("pool1").output)(pixels[None].astype(np.float32))
    row, col = lesson.pool_window_position
    assert lesson.pooling.model_value == pytest.approx(float(pooled[0, row // 2, col // 2, lesson.channel]), abs=1e-6)
    assert float(np.max(first_steps.pool_window(lesson))) == pytest.approx(lesson.pooling.model_value, abs=1e-6)
    assert lesson.region(lesson.pre_map).shape == (REGION_SIDE, REGION_SIDE)


def test_mobilenet_like_stride_two_conv_then_batch_norm_then_relu6(mobile):
    model, pixels, lesson = mobile
    conv = lesson.conv
    assert (conv.path, conv.stride, conv.padding) == ("base/conv1", 2, "same")
    assert conv.output_shape == (12, 12, 4) and conv.input_range == (-1.0, 1.0)
    assert lesson.relu.cap == 6.0 and lesson.relu.normalised_by == "base/conv1_bn"
    assert lesson.pooling is None and lesson.shrink_layer == "base/conv_dw_2"
    base = model.get_layer("base")
    scaled = (pixels.astype(np.float32) / 127.5 - 1)[None]
    conv_out = keras.ops.convert_to_numpy(keras.Model(base.inputs[0], base.get_layer("conv1").output)(scaled))[0]
    worked = lesson.worked
    assert worked.bias == 0.0
    assert worked.pre_activation == pytest.approx(float(conv_out[worked.row, worked.column, lesson.channel]), abs=1e-5)
    # Batch norm by its formula (gamma, beta, moving mean, moving variance, epsilon 1e-3), then ReLU6.
    normalised = 1.5 * (conv_out[..., lesson.channel] - 0.1) / np.sqrt(0.5 + 1e-3) - 0.2
    assert np.allclose(lesson.pre_map, normalised, atol=1e-5)
    assert np.allclose(lesson.post_map, np.clip(normalised, 0, 6), atol=1e-5)


def test_relu6_caps_and_plain_relu_does_not(mobile, classic):
    assert mobile[2].relu.apply(7.5) == 6.0 and mobile[2].relu.apply(-1) == 0.0
    assert classic[2].relu.apply(7.5) == 7.5
    assert mobile[2].relu.formula == "min(max(0, x), 6)" and classic[2].relu.formula == "max(0, x)"


def test_a_model_without_a_plain_convolution_is_refused():
    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(inputs)))
    with pytest.raises(ValueError, match="no plain convolution"):
        first_layer_lesson(model, photo(8), "dense_only")
