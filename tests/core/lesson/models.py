"""Tiny models shaped like the shipped ones' first layers, for the lesson's unit tests."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers


def classic_like(size: int = 20) -> keras.Model:
    """Rescale to 0..1, a 3×3 valid convolution with ReLU inside, 2×2 max pooling, flatten, dense, sigmoid."""
    keras.utils.set_random_seed(1)
    inputs = keras.Input((size, size, 3), name="pixels")
    x = layers.Rescaling(1 / 255, name="rescale")(inputs)
    x = layers.Conv2D(4, 3, activation="relu", bias_initializer="random_normal", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(6, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(5, activation="relu", name="dense")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    return keras.Model(inputs, outputs, name="classic_like")


def mobilenet_like(size: int = 24) -> keras.Model:
    """Rescale to −1..1, a nested base: 3×3 stride-2 "same" convolution without bias, batch norm, ReLU6."""
    keras.utils.set_random_seed(2)
    base_input = keras.Input((size, size, 3), name="base_in")
    x = layers.Conv2D(4, 3, strides=2, padding="same", use_bias=False, name="conv1")(base_input)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    x = layers.DepthwiseConv2D(3, strides=2, padding="same", name="conv_dw_2")(x)
    base = keras.Model(base_input, x, name="base")
    base.trainable = False
    head_input = keras.Input(base.output.shape[1:], name="features")
    y = layers.Conv2D(3, 3, padding="same", activation="relu", name="head_conv")(head_input)
    y = layers.GlobalAveragePooling2D(name="global_pool")(y)
    y = layers.Dense(1, activation="sigmoid", name="output")(y)
    head = keras.Model(head_input, y, name="head")
    pixels = keras.Input((size, size, 3), name="pixels")
    scaled = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(pixels)
    model = keras.Model(pixels, head(base(scaled)), name="mobilenet_like")
    # Batch norm with non-trivial statistics, so the map ReLU receives differs from the convolution's.
    norm = base.get_layer("conv1_bn")
    norm.set_weights([np.full(4, 1.5), np.full(4, -0.2), np.full(4, 0.1), np.full(4, 0.5)])
    return model


def photo(size: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size, size, 3)).astype(np.uint8)


def answer_of(probabilities, name: str = "photo"):
    """A PhotoAnswer with these (cat, dog) percentages, as the Classify page would give them (no "neither" score)."""
    from core.prediction.photo_answer import PhotoAnswer

    values = tuple(float(value) for value in probabilities)
    return PhotoAnswer(name, ("cats", "dogs"), values, values, unsure_below=0.65)


def answer_tools():
    """The tools of a model without a card: temperature 1, no "neither" score (its answers are its own sigmoid)."""
    from core.prediction.photo_answer import AnswerTools

    return AnswerTools(("cats", "dogs"))
