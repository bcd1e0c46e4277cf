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


def _layer_output(model: keras.Model, inner: str, pixels: np.ndarray) -> np.ndarray:
    """The mobilenet-like base cut at ``inner``, run on the rescaled photo (−1..1), as the model's own output."""
    base = model.get_layer("base")
    scaled = (pixels.astype(np.float32) / 127.5 - 1)[None]
    return keras.ops.convert_to_numpy(keras.Model(base.inputs[0], base.get_layer(inner).output)(scaled))[0]


def test_the_worked_number_goes_through_batch_norm_then_relu6_as_the_model_does(mobile):
    model, pixels, lesson = mobile
    row, col, channel = lesson.worked.row, lesson.worked.column, lesson.channel
    normalised = float(_layer_output(model, "conv1_bn", pixels)[row, col, channel])
    activated = float(_layer_output(model, "conv1_relu", pixels)[row, col, channel])
    assert lesson.normalised.layer == "base/conv1_bn" and lesson.normalised.matches
    assert lesson.normalised.recomputed == pytest.approx(normalised, abs=1e-5)
    assert lesson.activation_input == pytest.approx(normalised, abs=1e-6)
    assert lesson.activated == pytest.approx(activated, abs=1e-5) and lesson.activated_matches
    # The raw convolution is not what ReLU6 receives here (batch norm's scale 1.5 and shift change it).
    assert abs(lesson.worked.pre_activation - normalised) > 1e-3


def test_classic_has_no_batch_norm_and_relu_receives_the_convolution(classic):
    _, _, lesson = classic
    assert lesson.normalised is None
    assert lesson.activation_input == lesson.worked.pre_activation
    assert lesson.activated == pytest.approx(lesson.worked.model_value, abs=1e-6)  # ReLU inside conv1


def _conv_with_zeros(received: np.ndarray, kernel: np.ndarray, stride: int, pads: tuple[int, ...]) -> np.ndarray:
    """A valid convolution by hand on the input padded with ``pads`` zeros (top, bottom, left, right)."""
    top, bottom, left, right = pads
    padded = np.pad(received, ((top, bottom), (left, right), (0, 0)))
    rows, cols = kernel.shape[:2]
    out_rows, out_cols = (padded.shape[0] - rows) // stride + 1, (padded.shape[1] - cols) // stride + 1
    return np.array([[np.einsum("abc,abcf->f", padded[r * stride:r * stride + rows, c * stride:c * stride + cols],
                                kernel) for c in range(out_cols)] for r in range(out_rows)])


def test_same_padding_with_stride_two_is_said_as_the_layer_pads(mobile):
    model, pixels, lesson = mobile
    text = first_steps.filter_text(lesson).sentences[0]
    assert '"same" padding (zeros: 1 row at the bottom and 1 column at the right, none at the top or left)' in text
    assert "ring of zeros" not in text
    # The sentence's zeros, by hand, give the layer's own output; the symmetric ring does not.
    received = pixels.astype(np.float64) / 127.5 - 1
    kernel = keras.ops.convert_to_numpy(model.get_layer("base").get_layer("conv1").kernel).astype(np.float64)
    produced = _layer_output(model, "conv1", pixels)
    assert np.allclose(_conv_with_zeros(received, kernel, 2, (0, 1, 0, 1)), produced, atol=1e-4)
    ring = _conv_with_zeros(received, kernel, 2, (1, 1, 1, 1))
    assert ring.shape != produced.shape or not np.allclose(ring, produced, atol=1e-4)


def test_same_padding_with_stride_one_is_a_ring_and_valid_adds_none(classic):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((9, 9, 3))
    x = keras.layers.Conv2D(2, 3, padding="same", activation="relu", bias_initializer="ones")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(keras.layers.Flatten()(x)))
    pixels = photo(9, seed=5)
    lesson = first_layer_lesson(model, pixels, "same_stride_one")
    assert '"same" padding (a ring of zeros 1 pixel wide around the edge)' in first_steps.filter_text(
        lesson).sentences[0]
    conv = model.layers[1]
    kernel, bias = (keras.ops.convert_to_numpy(weight).astype(np.float64) for weight in conv.weights)
    by_hand = np.maximum(_conv_with_zeros(pixels.astype(np.float64), kernel, 1, (1, 1, 1, 1)) + bias, 0)
    produced = keras.ops.convert_to_numpy(keras.Model(inputs, conv.output)(pixels[None].astype(np.float32)))[0]
    assert np.allclose(by_hand, produced, rtol=1e-4, atol=1e-3)
    assert '"valid" padding (no zeros added' in first_steps.filter_text(classic[2]).sentences[0]
