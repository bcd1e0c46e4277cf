"""Small hand-built models whose answers are known, shared by the tests of core/explain/.

Each model's weights are set by hand (or copied between two equivalent
models), so a test can work out what a feature map, a gradient or a heat map
must be without asking the code under test.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

#: The side of the photos :func:`left_half_model` reads.
SIZE = 16


def photo(height: int = 32, width: int = 32, seed: int = 0) -> np.ndarray:
    """A seeded random RGB photo (uint8)."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3)).astype(np.uint8)


def nested_pair() -> tuple[keras.Model, keras.Model]:
    """The same weights as a flat model and as an outer model with a nested base and a nested head."""
    base_input = keras.Input((24, 24, 3), name="base_in")
    x = layers.Conv2D(4, 3, name="base_conv")(base_input)
    x = layers.ReLU(name="base_relu")(x)
    x = layers.MaxPooling2D(2, name="base_pool")(x)
    base = keras.Model(base_input, x, name="base")
    head_input = keras.Input(base.output.shape[1:], name="features")
    y = layers.Conv2D(5, 3, padding="same", activation="relu", name="head_conv")(head_input)
    y = layers.GlobalAveragePooling2D(name="gap")(y)
    y = layers.Dense(1, activation="sigmoid", name="output")(y)
    head = keras.Model(head_input, y, name="head")
    pixels = keras.Input((24, 24, 3), name="pixels")
    outer = keras.Model(pixels, head(base(layers.Rescaling(1 / 255, name="rescale")(pixels))), name="nested")
    flat_in = keras.Input((24, 24, 3))
    z = layers.Rescaling(1 / 255)(flat_in)
    for layer in (base.get_layer("base_conv"), base.get_layer("base_relu"), base.get_layer("base_pool"),
                  head.get_layer("head_conv"), head.get_layer("gap"), head.get_layer("output")):
        z = layer.__class__.from_config(layer.get_config())(z)
    flat = keras.Model(flat_in, z, name="flat")
    weights = [w for layer in (base, head) for w in layer.get_weights()]
    flat.set_weights(weights)
    return outer, flat


class KeepLeftHalf(layers.Layer):
    """Zeroes the right half of the image: the model can only see the left half."""

    def call(self, inputs):
        width = inputs.shape[2]
        mask = np.zeros((1, 1, width, 1), np.float32)
        mask[:, :, : width // 2] = 1.0
        return inputs * mask


def left_half_model() -> keras.Model:
    """pixels -> keep left half -> 3×3 conv (same, ReLU, positive weights, no bias) -> average -> sigmoid."""
    pixels = keras.Input((SIZE, SIZE, 3), name="pixels")
    x = layers.Rescaling(1 / 255, name="rescale")(pixels)
    x = KeepLeftHalf(name="left_half")(x)
    x = layers.Conv2D(2, 3, padding="same", activation="relu", use_bias=False, name="conv")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    model = keras.Model(pixels, outputs, name="left_half_model")
    model.get_layer("conv").set_weights([np.full((3, 3, 3, 2), 0.1, np.float32)])
    model.get_layer("output").set_weights([np.array([[2.0], [1.0]], np.float32), np.array([-0.5], np.float32)])
    return model
