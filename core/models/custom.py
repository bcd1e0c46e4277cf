"""A model the learner builds from a few controls on the Architecture page."""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers

from core.arithmetic.numbers import format_count
from core.arithmetic.sizes import layer_output_size

POOLING = ("max", "average", "none")

HEADS = ("flatten", "global_average")


@dataclass(frozen=True)
class CustomArchitecture:
    """The controls of the "build your own" tab; the defaults give the classic model."""

    input_size: int = 150
    filters: tuple[int, ...] = (32, 64, 128, 128)
    kernel_size: int = 3
    padding: str = "valid"
    pooling: str = "max"
    batch_norm: bool = False
    head: str = "flatten"
    dense_units: int = 512  # 0: no hidden dense layer
    dropout: float = 0.5
    num_classes: int = 2

    def validate(self) -> None:
        if not 8 <= self.input_size <= 512:
            raise ValueError(f"The input size must be between 8 and 512 pixels, got {self.input_size}.")
        if not 1 <= len(self.filters) <= 8:
            raise ValueError(f"Use between 1 and 8 conv blocks, got {len(self.filters)}.")
        if any(not 1 <= value <= 1024 for value in self.filters):
            raise ValueError("Filters per block must be between 1 and 1024.")
        if self.kernel_size not in (1, 3, 5, 7):
            raise ValueError(f"The kernel size must be 1, 3, 5 or 7, got {self.kernel_size}.")
        if self.padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {self.padding!r}.")
        if self.pooling not in POOLING:
            raise ValueError(f"pooling must be one of {POOLING}, got {self.pooling!r}.")
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}.")
        if not 0 <= self.dense_units <= 4096:
            raise ValueError(f"Dense units must be between 0 and 4096, got {self.dense_units}.")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"Dropout must be at least 0 and below 1, got {self.dropout}.")
        if not 2 <= self.num_classes <= 1000:
            raise ValueError(f"A classifier needs 2 to 1000 classes, got {self.num_classes}.")

    def feature_map_sizes(self) -> list[tuple[str, int]]:
        """(stage, height) after each conv and pooling step; raises if the map shrinks to nothing."""
        self.validate()
        size, stages = self.input_size, [("input", self.input_size)]
        for block in range(1, len(self.filters) + 1):
            size = layer_output_size(size, self.kernel_size, 1, self.padding)
            if size < 1:
                raise ValueError(
                    f"Conv block {block} gets a {stages[-1][1]}×{stages[-1][1]} map, smaller than its "
                    f"{self.kernel_size}×{self.kernel_size} kernel with valid padding: use same padding, "
                    "fewer blocks, a smaller kernel or a larger input."
                )
            stages.append((f"conv{block}", size))
            if self.pooling != "none":
                size = layer_output_size(size, 2, 2)
                if size < 1:
                    raise ValueError(
                        f"Pooling after block {block} would turn a 1×1 map into nothing: use fewer blocks, "
                        "no pooling or a larger input."
                    )
                stages.append((f"pool{block}", size))
        return stages


def build_custom(spec: CustomArchitecture) -> keras.Model:
    """The Keras model for ``spec`` (same layer names as the shipped models)."""
    spec.feature_map_sizes()  # clear error before Keras raises an obscure one
    inputs = keras.Input(shape=(spec.input_size, spec.input_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate(spec.filters, start=1):
        if spec.batch_norm:
            x = layers.Conv2D(filters, spec.kernel_size, padding=spec.padding, use_bias=False, name=f"conv{block}")(x)
            x = layers.BatchNormalization(name=f"batchnorm{block}")(x)
            x = layers.ReLU(name=f"relu{block}")(x)
        else:
            x = layers.Conv2D(filters, spec.kernel_size, padding=spec.padding, activation="relu",
                              name=f"conv{block}")(x)
        if spec.pooling == "max":
            x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
        elif spec.pooling == "average":
            x = layers.AveragePooling2D(2, name=f"pool{block}")(x)
    if spec.head == "flatten":
        x = layers.Flatten(name="flatten")(x)
    else:
        x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    if spec.dense_units:
        x = layers.Dense(spec.dense_units, activation="relu", name="dense")(x)
    if spec.dropout:
        x = layers.Dropout(spec.dropout, name="dropout")(x)
    if spec.num_classes == 2:
        outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    else:
        outputs = layers.Dense(spec.num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="your_model")


def comparison_sentence(total_parameters: int, classic_parameters: int) -> str:
    """'Your model has 1,234 parameters, 0.00× the classic model's 3,453,121.'"""
    if classic_parameters <= 0:
        raise ValueError(f"The classic model's parameter count must be positive, got {classic_parameters}.")
    ratio = total_parameters / classic_parameters
    return (f"Your model has {format_count(total_parameters)} parameters, "
            f"{ratio:.2f}× the classic model's {format_count(classic_parameters)}.")
