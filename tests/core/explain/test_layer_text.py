"""Sentences about a model's layers, on small hand-built models."""

from __future__ import annotations

import keras
import pytest

from core.explain.layer_text import (
    border_note,
    filter_layer_for,
    input_description,
    layer_option,
    no_filters_reason,
    stand_in_note,
)

LAYER_PATHS = ("conv1", "pool1", "depthwise", "conv2", "pool2")
CONV_PATHS = ("conv1", "conv2")


def small_model(*first_layers: keras.layers.Layer, padding: str = "valid") -> keras.Model:
    """``first_layers``, then conv1 → pool1 → depthwise → conv2 → pool2 on a 32×32 RGB input."""
    inputs = keras.Input((32, 32, 3))
    x = inputs
    for layer in first_layers:
        x = layer(x)
    x = keras.layers.Conv2D(4, 3, padding=padding, name="conv1")(x)
    x = keras.layers.MaxPooling2D(name="pool1")(x)
    x = keras.layers.DepthwiseConv2D(3, name="depthwise")(x)
    x = keras.layers.Conv2D(6, 3, name="conv2")(x)
    x = keras.layers.AveragePooling2D(2, name="pool2")(x)
    return keras.Model(inputs, x, name="small")


def test_the_first_convolution_reads_the_photo_as_the_model_rescales_it():
    model = small_model(keras.layers.Rescaling(1 / 255, name="rescale"))
    assert input_description(model, "conv1", "conv1") == "the photo rescaled by the model (pixel ÷ 255)"


def test_a_rescaling_offset_and_a_layer_in_between_are_named():
    model = small_model(keras.layers.Rescaling(1 / 127.5, offset=-1, name="rescale"),
                        keras.layers.ZeroPadding2D(1, name="pad"))
    assert input_description(model, "conv1", "conv1") == (
        "the photo rescaled by the model (pixel ÷ 127.5 − 1), passed on by **pad**")


def test_without_rescaling_the_first_convolution_gets_what_came_before():
    assert input_description(small_model(), "conv1", "conv1") == "what **the input** passed on"


def test_deeper_layers_read_the_maps_of_the_layer_before():
    model = small_model(keras.layers.Rescaling(1 / 255))
    assert input_description(model, "conv2", "conv1") == "the maps made by **depthwise**"
    assert input_description(model, "pool1", "conv1") == "the maps made by **conv1**"
    with pytest.raises(ValueError, match="No layer 'nothing'"):
        input_description(model, "nothing", "conv1")


def test_layers_without_filters_borrow_the_last_convolution_before_them():
    assert filter_layer_for("conv1", LAYER_PATHS, CONV_PATHS) == "conv1"
    assert filter_layer_for("pool1", LAYER_PATHS, CONV_PATHS) == "conv1"
    assert filter_layer_for("depthwise", LAYER_PATHS, CONV_PATHS) == "conv1"
    assert filter_layer_for("pool2", LAYER_PATHS, CONV_PATHS) == "conv2"
    # A layer before any plain convolution falls back to the first one.
    assert filter_layer_for("stem", ("stem", "conv1"), ("conv1",)) == "conv1"
    with pytest.raises(ValueError, match="not one of the feature layers"):
        filter_layer_for("dense", LAYER_PATHS, CONV_PATHS)
    with pytest.raises(ValueError, match="no Conv2D layer"):
        filter_layer_for("pool1", LAYER_PATHS, ())


def test_the_reason_a_layer_has_no_filters_of_its_own():
    model = small_model()
    assert no_filters_reason(model, "pool1") == "**pool1** has no filters of its own: pooling only picks values."
    assert no_filters_reason(model, "depthwise").startswith("**depthwise** is a depthwise convolution")


def test_a_stand_in_layer_is_named_with_the_reason():
    model = small_model()
    assert stand_in_note(model, "conv2", "conv2") is None
    assert stand_in_note(model, "pool1", "conv1", "Using") == (
        "**pool1** has no filters of its own: pooling only picks values. Using **conv1**, the last ordinary "
        "convolution up to this layer.")


def test_layer_options_name_the_kind_and_shape():
    model = small_model()
    assert layer_option(model, "conv1", (30, 30, 4)) == "conv1 · convolution · 30×30×4"
    assert layer_option(model, "pool1", (15, 15, 4)) == "pool1 · pooling · 15×15×4"


def test_the_border_note_only_describes_a_plain_3x3_valid_convolution():
    note = border_note(small_model().get_layer("conv1"), 32, 30)
    assert note is not None and "loses a 1-pixel border (32 → 30)" in note
    assert border_note(small_model(padding="same").get_layer("conv1"), 32, 32) is None
