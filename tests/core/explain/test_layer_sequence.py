"""core/explain/layer_sequence: what a shown map is, where maps shrink and what one value sees, from the layers."""

from __future__ import annotations

import keras
import pytest
from keras import layers

from core.explain import layer_sequence


def relu_inside_model() -> keras.Model:
    """classic's pattern: the convolution applies ReLU itself, pooling halves."""
    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(4, 3, activation="relu", name="conv1")(inputs)  # 14
    x = layers.MaxPooling2D(2, name="pool1")(x)  # 7
    x = layers.Conv2D(4, 3, activation="relu", name="conv2")(x)  # 5
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x))


def batch_norm_model() -> keras.Model:
    """compact's and MobileNet's pattern: raw convolution, then batch norm, then ReLU; a stride-2 convolution."""
    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv1")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU(max_value=6.0, name="relu1")(x)
    x = layers.Conv2D(4, 3, strides=2, padding="same", name="down")(x)  # 8
    x = layers.MaxPooling2D(2, name="pool")(x)  # 4: reads raw sums of "down"
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x))


def test_a_map_after_its_own_relu_is_described_as_such():
    stage = layer_sequence.map_stage(relu_inside_model(), "conv1")
    assert stage.shown_after_relu and stage.followers == ()
    assert "after its own ReLU" in stage.sentence


def test_a_raw_convolution_names_the_batch_norm_and_relu_that_follow():
    stage = layer_sequence.map_stage(batch_norm_model(), "conv1")
    assert stage.followers == (("bn1", "BatchNormalization"), ("relu1", "ReLU6"))
    assert not stage.shown_after_relu
    text = stage.sentence
    assert "raw sums, before **bn1** (BatchNormalization) and then **relu1** (ReLU6)" in text
    assert "can be negative" in text and "caps values at 6" in text
    assert "after its own ReLU" not in text


def test_pooling_says_whether_its_input_went_through_relu():
    after_relu = layer_sequence.map_stage(relu_inside_model(), "pool1")
    assert after_relu.shown_after_relu and "2×2 window (stride 2)" in after_relu.sentence
    raw = layer_sequence.map_stage(batch_norm_model(), "pool")
    assert not raw.shown_after_relu and "through ReLU" not in raw.sentence
    with pytest.raises(ValueError, match="No layer 'nope'"):
        layer_sequence.map_stage(relu_inside_model(), "nope")


def test_shrinking_names_pooling_or_strided_convolutions():
    pooled = layer_sequence.shrink_sentence(relu_inside_model())
    assert "pooling (**pool1** (14 → 7))" in pooled and "stride" not in pooled
    strided = layer_sequence.shrinking_layers(batch_norm_model())
    assert strided == [("down", "stride-2 convolution", 16, 8), ("pool", "pooling", 8, 4)]
    only_strides = keras.Sequential([keras.Input((12, 12, 1)), layers.Conv2D(2, 3, strides=2, name="s1"),
                                     layers.Conv2D(2, 3, name="keep")])
    text = layer_sequence.shrink_sentence(only_strides)
    assert "**s1** (12 → 5)" in text and "There is no pooling layer" in text


def test_receptive_fields_grow_by_the_kernel_times_the_step():
    fields = layer_sequence.receptive_fields(relu_inside_model())
    # conv1: 3; pool1: 3 + 1 = 4, step 2; conv2: 4 + 2 × 2 = 8.
    assert [(field.layer, field.size, field.jump) for field in fields] == [
        ("conv1", 3, 1), ("pool1", 4, 2), ("conv2", 8, 2)]
    assert layer_sequence.receptive_field_summary(relu_inside_model()) == "conv1 3×3 → pool1 4×4 → conv2 8×8"
    sentence = layer_sequence.receptive_field_sentence(relu_inside_model(), "conv2")
    assert "an 8×8 patch of the 16×16 photo" in sentence and "receptive field" in sentence
    assert "a 3×3 patch" in layer_sequence.receptive_field_sentence(relu_inside_model(), "conv1")
