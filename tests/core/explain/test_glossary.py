"""core/explain/glossary: each layer kind explained once, with the numbers of the model's own layers."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from core.explain.glossary import glossary
from core.models import architectures


def tiny_model() -> keras.Model:
    inputs = keras.Input((20, 20, 3), name="pixels")
    x = layers.Rescaling(1 / 255, name="scale")(inputs)
    x = layers.Conv2D(4, 3, activation="relu", name="conv1")(x)  # 18×18×4
    x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="pad")(x)  # 19×19
    x = layers.Conv2D(6, 3, strides=2, use_bias=False, name="conv2")(x)  # 9×9×6
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.ReLU(max_value=6.0, name="relu6")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)  # 4×4×6
    x = layers.Conv2D(8, 1, name="mix")(x)  # 1×1
    x = layers.Flatten(name="flatten")(x)  # 128
    x = layers.Dropout(0.25, name="drop")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    return keras.Model(inputs, outputs, name="tiny_glossary")


@pytest.fixture(scope="module")
def entries() -> dict[str, str]:
    return {entry.title: entry.text for entry in glossary(tiny_model())}


def test_each_kind_once_in_order_of_first_appearance(entries):
    assert list(entries) == ["InputLayer", "Rescaling", "Conv2D", "ReLU", "ZeroPadding2D", "BatchNormalization",
                             "MaxPooling2D", "Flatten", "Dropout", "Output: sigmoid", "Idea: weight sharing",
                             "Idea: receptive field"]


def test_numbers_come_from_the_layers(entries):
    assert "20×20×3" in entries["InputLayer"]
    assert "pixel ÷ 255" in entries["Rescaling"] and "from 0 to 1" in entries["Rescaling"]
    # Both kernel sizes of the model, not a fixed "3×3".
    assert "(3×3 and 1×1 in this model)" in entries["Conv2D"] and "A 1×1 filter" in entries["Conv2D"]
    assert "4×4×8 = 128 numbers" in entries["Flatten"]
    assert "18×18 → 9×9" not in entries["MaxPooling2D"] and "9 → 4 at pool" in entries["MaxPooling2D"]


def test_dropout_says_how_the_kept_values_are_scaled(entries):
    text = entries["Dropout"]
    assert "random 25%" in text and "1 / (1 − 0.25) ≈ 1.33" in text and "unchanged" in text


def test_zero_padding_before_a_stride_two_convolution_does_not_keep_the_size(entries):
    text = entries["ZeroPadding2D"]
    assert "1 row at the bottom, 1 column at the right; 18×18×4 → 19×19×4" in text
    assert "does not keep the size" in text and "conv2" in text and "9×9×6" in text


def test_relu_is_said_plainly_and_the_first_relu_kind_names_the_entry(entries):
    text = entries["ReLU"]
    assert "max(0, x)" in text and "one weighted sum" in text
    assert "more than one straight-line rule" not in text


def test_relu6_and_a_sigmoid_output():
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3, use_bias=False),
                              layers.ReLU(max_value=6.0), layers.GlobalAveragePooling2D(),
                              layers.Dense(3, activation="softmax")])
    entries = {entry.title: entry.text for entry in glossary(model)}
    assert "min(max(0, x), 6)" in entries["ReLU6"]
    assert "all adding up to 1" in entries["Output: softmax"]
    assert "6×6×2 becomes 2 values" in entries["GlobalAveragePooling2D"]


def test_the_transfer_model_explains_its_base_head_sigmoid_and_transfer_learning():
    base = architectures.mobilenet_base(96, weights=None)
    model = architectures.assemble_transfer(base, architectures.transfer_head(tuple(base.output.shape[1:])), 96)
    entries = {entry.title: entry.text for entry in glossary(model)}
    assert "all frozen" in entries[f"Nested model: {base.name}"]
    head = entries["Nested model: head"]
    assert "head_conv (Conv2D) → global_pool (GlobalAveragePooling2D) → dropout (Dropout) → output (Dense)" in head
    assert "3×3×256 maps and gives 1 number" in head
    assert "its 128 inputs into a probability" in entries["Output: sigmoid"]
    assert "1×1" in entries["Conv2D"] and "DepthwiseConv2D" in entries and "ReLU6" in entries
    assert "Here the whole base stays frozen" in entries["Idea: transfer learning and fine-tuning"]
    assert "Fine-tuning" in entries["Idea: transfer learning and fine-tuning"]


def _linear_stack(use_bias: bool) -> keras.Model:
    """Two Dense layers with no activation between them, seeded so the biases are not zero."""
    keras.utils.set_random_seed(3)
    bias = "random_normal" if use_bias else "zeros"
    inputs = keras.Input((4, 4, 1))
    x = layers.Conv2D(2, 3, use_bias=use_bias, bias_initializer=bias, name="conv")(inputs)
    x = layers.ReLU(name="relu")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(3, use_bias=use_bias, bias_initializer=bias, name="hidden")(x)
    outputs = layers.Dense(1, activation="sigmoid", use_bias=use_bias, bias_initializer=bias, name="output")(x)
    return keras.Model(inputs, outputs, name="stack")


def _scores_double(model: keras.Model) -> bool:
    """Does doubling the input double the score z of the two Dense layers after ReLU (nothing between them)?"""
    weights = model.get_layer("output").get_weights()  # [kernel] or [kernel, bias]: z before the sigmoid
    x = np.random.default_rng(0).normal(size=(1, 8)).astype(np.float32)

    def score(value: np.ndarray) -> np.ndarray:
        hidden = keras.ops.convert_to_numpy(model.get_layer("hidden")(value))
        return hidden @ weights[0] + (weights[1] if len(weights) > 1 else 0)

    return bool(np.allclose(score(2 * x), 2 * score(x), atol=1e-6))


def test_relu_entry_says_doubling_doubles_only_without_biases():
    with_biases, without = _linear_stack(True), _linear_stack(False)
    assert not _scores_double(with_biases) and _scores_double(without)
    biased = {entry.title: entry.text for entry in glossary(with_biases)}["ReLU"]
    assert "one weighted sum plus one bias" in biased and "a single linear layer" in biased
    assert "doubling the input would not double the scores" in biased
    assert "always double" not in biased
    unbiased = {entry.title: entry.text for entry in glossary(without)}["ReLU"]
    assert "doubling the input would double every score" in unbiased


def test_weight_sharing_says_what_flatten_and_global_pooling_do_with_positions():
    flattened = _linear_stack(True)
    # Flatten + Dense: each position of the maps has its own weight in the Dense layer.
    kernel = keras.ops.convert_to_numpy(flattened.get_layer("hidden").kernel).reshape(2, 2, 2, 3)
    assert not np.allclose(kernel[0, 0], kernel[1, 1])
    text = {entry.title: entry.text for entry in glossary(flattened)}["Idea: weight sharing"]
    assert "finds its pattern wherever it is" in text
    assert "the Dense layer hidden gives every position its own weights" in text
    assert "can count differently from an ear in the middle" in text and "counts like an ear" not in text
    inputs = keras.Input((6, 6, 1))
    maps = layers.Conv2D(2, 3, name="conv")(inputs)
    pooled = layers.GlobalAveragePooling2D(name="global_pool")(maps)
    pooling = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(pooled))
    # Global average pooling: moving the maps' values to other positions leaves its output the same.
    values = np.random.default_rng(1).normal(size=(1, 4, 4, 2)).astype(np.float32)
    shuffled = values[:, ::-1, ::-1]
    pool = pooling.get_layer("global_pool")
    assert np.allclose(keras.ops.convert_to_numpy(pool(values)), keras.ops.convert_to_numpy(pool(shuffled)))
    text = {entry.title: entry.text for entry in glossary(pooling)}["Idea: weight sharing"]
    assert "global_pool averages each whole map, treating every position alike" in text
    assert "an ear in a corner counts like an ear in the middle" in text
