"""Read a Keras model back as a table a learner can follow.

Every number comes from the real model: ``model.layers``, each layer's output
shape and ``count_params()``. The formula shown next to a parameter count is
rebuilt from the layer's settings (kernel size, filters, units, input
channels) and checked against ``count_params()``, so the page never shows
arithmetic that disagrees with Keras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import keras
from keras import layers

#: Bytes per parameter stored as float32.
BYTES_PER_PARAMETER = 4
#: Layer types that never change the shape and are left out of the shape-flow diagram.
SHAPE_KEEPING = ("Rescaling", "Dropout", "BatchNormalization", "ReLU", "Activation", "SpatialDropout2D")


def format_count(value: int) -> str:
    """3453121 -> '3,453,121'."""
    return f"{int(value):,}"


def float32_megabytes(parameters: int) -> float:
    """Size of ``parameters`` float32 numbers in MB (1 MB = 1,000,000 bytes)."""
    return parameters * BYTES_PER_PARAMETER / 1e6


@dataclass(frozen=True)
class LayerRow:
    """One layer of a model, as the table shows it."""

    name: str
    layer_type: str
    output_shape: tuple[int | None, ...]  # without the batch dimension
    parameters: int  # layer.count_params()
    trainable_parameters: int
    formula: str  # e.g. "3×3×3×32 + 32 = 896"
    formula_total: int  # the value the formula computes (equals ``parameters`` when understood)
    activation: str = ""  # "relu", "sigmoid", "softmax" or ""
    trainable: bool = True
    nested: bool = False  # a whole model used as one layer (the transfer model's base and head)

    @property
    def shape_text(self) -> str:
        return shape_text(self.output_shape)


@dataclass(frozen=True)
class ModelTable:
    """Every layer of a model plus its totals."""

    model_name: str
    input_shape: tuple[int | None, ...]
    rows: tuple[LayerRow, ...]
    total_parameters: int
    trainable_parameters: int
    non_trainable_parameters: int

    @property
    def size_megabytes(self) -> float:
        """Memory for the weights as float32."""
        return float32_megabytes(self.total_parameters)

    def row(self, name: str) -> LayerRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise ValueError(f"No layer named {name!r} in {self.model_name}.")


def shape_text(shape: tuple[int | None, ...]) -> str:
    """(148, 148, 32) -> '148 × 148 × 32'; (6272,) -> '6,272'."""
    return " × ".join("?" if value is None else format_count(value) for value in shape)


def _weight_count(weights) -> int:
    return int(sum(math.prod(weight.shape) for weight in weights))


def _output_shape(layer: layers.Layer) -> tuple[int | None, ...]:
    try:
        shape = layer.output.shape
    except (AttributeError, ValueError):  # a layer used twice has no single output
        return ()
    return tuple(None if value is None else int(value) for value in shape[1:])


def _input_channels(layer: layers.Layer) -> int | None:
    try:
        return int(layer.input.shape[-1])
    except (AttributeError, ValueError, TypeError):
        return None


def _activation_name(layer: layers.Layer) -> str:
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "") if activation is not None else ""
    return "" if name == "linear" else name


def parameter_formula(layer: layers.Layer) -> tuple[int, str]:
    """The parameter count of ``layer`` rebuilt from its settings, and how.

    Returns ``(count, text)``. Convolutions and dense layers: one weight per
    input value per output channel, plus one bias per output channel. Batch
    normalisation: 4 numbers per channel (γ and β learned, the moving mean and
    variance tracked). A nested model: the sum of its layers.
    """
    config = layer.get_config()
    kind = type(layer).__name__
    if isinstance(layer, keras.Model):
        count = layer.count_params()
        frozen = "" if layer.trainable else ", all frozen"
        return count, f"sum of its {len(layer.layers)} layers{frozen} = {format_count(count)}"
    if isinstance(layer, layers.DepthwiseConv2D):
        kernel_height, kernel_width = config["kernel_size"]
        channels = _input_channels(layer) or int(layer.kernel.shape[2])
        multiplier = int(config.get("depth_multiplier", 1))
        weights = kernel_height * kernel_width * channels * multiplier
        text = f"{kernel_height}×{kernel_width}×{channels}" + (f"×{multiplier}" if multiplier != 1 else "")
        if config.get("use_bias", True):
            return weights + channels * multiplier, f"{text} + {channels * multiplier} = {format_count(weights + channels * multiplier)}"
        return weights, f"{text} = {format_count(weights)} (no bias)"
    if isinstance(layer, layers.Conv2D):
        kernel_height, kernel_width = config["kernel_size"]
        filters = int(config["filters"])
        channels = (_input_channels(layer) or int(layer.kernel.shape[2]) * int(config.get("groups", 1)))
        per_filter = channels // int(config.get("groups", 1))
        weights = kernel_height * kernel_width * per_filter * filters
        text = f"{kernel_height}×{kernel_width}×{per_filter}×{filters}"
        if config.get("use_bias", True):
            return weights + filters, f"{text} + {filters} = {format_count(weights + filters)}"
        return weights, f"{text} = {format_count(weights)} (no bias)"
    if isinstance(layer, layers.Dense):
        units = int(config["units"])
        inputs = _input_channels(layer) or int(layer.kernel.shape[0])
        weights = inputs * units
        if config.get("use_bias", True):
            return weights + units, f"{format_count(inputs)} × {format_count(units)} + {format_count(units)} = {format_count(weights + units)}"
        return weights, f"{format_count(inputs)} × {format_count(units)} = {format_count(weights)} (no bias)"
    if isinstance(layer, layers.BatchNormalization):
        axis = config.get("axis", -1)
        axis = axis[0] if isinstance(axis, (list, tuple)) else axis
        try:
            channels = int(layer.input.shape[axis])
        except (AttributeError, ValueError, TypeError):
            channels = int(layer.moving_mean.shape[0])
        learned = int(bool(config.get("scale", True))) + int(bool(config.get("center", True)))
        per_channel = learned + 2
        names = [name for name, used in (("γ", config.get("scale", True)), ("β", config.get("center", True))) if used]
        detail = f"{' and '.join(names)} learned, " if names else ""
        return per_channel * channels, (f"{per_channel} × {channels} = {format_count(per_channel * channels)} "
                                        f"({detail}mean and variance tracked)")
    count = layer.count_params()
    if count == 0:
        return 0, "no weights"
    return count, f"{format_count(count)} (as counted by Keras for {kind})"


def layer_table(model: keras.Model) -> ModelTable:
    """The table of ``model``'s layers (nested models stay one row; call again on them to expand)."""
    rows = []
    for layer in model.layers:
        formula_total, formula = parameter_formula(layer)
        rows.append(LayerRow(
            name=layer.name,
            layer_type=type(layer).__name__,
            output_shape=_output_shape(layer),
            parameters=int(layer.count_params()) if layer.built else 0,
            trainable_parameters=_weight_count(layer.trainable_weights),
            formula=formula,
            formula_total=int(formula_total),
            activation=_activation_name(layer),
            trainable=bool(layer.trainable),
            nested=isinstance(layer, keras.Model),
        ))
    trainable = _weight_count(model.trainable_weights)
    total = int(model.count_params())
    return ModelTable(
        model_name=model.name,
        input_shape=tuple(None if value is None else int(value) for value in model.input_shape[1:]),
        rows=tuple(rows),
        total_parameters=total,
        trainable_parameters=trainable,
        non_trainable_parameters=total - trainable,
    )


def nested_models(model: keras.Model) -> list[keras.Model]:
    """Models used as single layers inside ``model`` (the transfer model's base and head)."""
    return [layer for layer in model.layers if isinstance(layer, keras.Model)]


# ----------------------------------------------------------------------------
# Shape flow: the data for the "smaller and deeper" diagram.
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShapeStep:
    """One block of the diagram: a stack of feature maps, or a vector."""

    name: str
    layer_type: str
    height: int
    width: int
    depth: int  # channels, or the length of a vector

    @property
    def is_vector(self) -> bool:
        return self.height == 1 and self.width == 1

    @property
    def values(self) -> int:
        return self.height * self.width * self.depth

    @property
    def label(self) -> str:
        if self.is_vector:
            return format_count(self.depth)
        return f"{self.height}×{self.width}×{self.depth}"


def shape_flow(table: ModelTable) -> list[ShapeStep]:
    """Input, then every layer that changes the shape (convolutions, pooling, flatten, dense...)."""
    steps: list[ShapeStep] = []
    for row in table.rows:
        shape = row.output_shape
        if not shape or any(value is None for value in shape):
            continue
        if len(shape) == 3:
            step = ShapeStep(row.name, row.layer_type, shape[0], shape[1], shape[2])
        elif len(shape) == 1:
            step = ShapeStep(row.name, row.layer_type, 1, 1, shape[0])
        else:
            continue
        if steps and row.layer_type in SHAPE_KEEPING and (step.height, step.width, step.depth) == (
                steps[-1].height, steps[-1].width, steps[-1].depth):
            continue
        steps.append(step)
    return steps


# ----------------------------------------------------------------------------
# Arithmetic: output sizes, and the valid-vs-same padding mistake.
# ----------------------------------------------------------------------------


def conv_output_size(size: int, kernel_size: int, padding: str = "valid", stride: int = 1) -> int:
    """Height (or width) after a convolution: valid = ⌊(n − k) / s⌋ + 1, same = ⌈n / s⌉."""
    if padding == "same":
        return -(-size // stride)
    if padding == "valid":
        return max((size - kernel_size) // stride + 1, 0)
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


def pool_output_size(size: int, pool_size: int = 2) -> int:
    """Height (or width) after pooling with a window and stride of ``pool_size`` (leftovers dropped)."""
    return max((size - pool_size) // pool_size + 1, 0)


@dataclass(frozen=True)
class PaddingComparison:
    """The classic model's sizes with valid padding (what Keras does) and with same padding."""

    stages: tuple[str, ...]  # "input", "conv1", "pool1", ...
    valid_sizes: tuple[int, ...]
    same_sizes: tuple[int, ...]
    channels: int  # of the last block
    dense_units: int

    @property
    def flatten_valid(self) -> int:
        return self.valid_sizes[-1] ** 2 * self.channels

    @property
    def flatten_same(self) -> int:
        return self.same_sizes[-1] ** 2 * self.channels

    @property
    def dense_valid(self) -> int:
        return self.flatten_valid * self.dense_units + self.dense_units

    @property
    def dense_same(self) -> int:
        return self.flatten_same * self.dense_units + self.dense_units


def padding_comparison(input_size: int = 150, filters: tuple[int, ...] = (32, 64, 128, 128), kernel_size: int = 3,
                       pool_size: int = 2, dense_units: int = 512) -> PaddingComparison:
    """Follow the height of a square input through conv/pool blocks with both paddings."""
    stages, valid, same = ["input"], [input_size], [input_size]
    for block in range(1, len(filters) + 1):
        valid.append(conv_output_size(valid[-1], kernel_size, "valid"))
        same.append(conv_output_size(same[-1], kernel_size, "same"))
        stages.append(f"conv{block}")
        valid.append(pool_output_size(valid[-1], pool_size))
        same.append(pool_output_size(same[-1], pool_size))
        stages.append(f"pool{block}")
    return PaddingComparison(tuple(stages), tuple(valid), tuple(same), filters[-1], dense_units)


# ----------------------------------------------------------------------------
# A model the learner builds from a few controls.
# ----------------------------------------------------------------------------

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
            size = conv_output_size(size, self.kernel_size, self.padding)
            if size < 1:
                raise ValueError(
                    f"Conv block {block} gets a {stages[-1][1]}×{stages[-1][1]} map, smaller than its "
                    f"{self.kernel_size}×{self.kernel_size} kernel with valid padding: use same padding, "
                    "fewer blocks, a smaller kernel or a larger input."
                )
            stages.append((f"conv{block}", size))
            if self.pooling != "none":
                size = pool_output_size(size, 2)
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


# ----------------------------------------------------------------------------
# Plain-language explanations, one per kind of layer.
# ----------------------------------------------------------------------------

EXPLANATIONS: dict[str, str] = {
    "InputLayer": "The photo enters as a grid of numbers: height × width × 3 colour channels (red, green, blue), "
                  "each from 0 to 255.",
    "Rescaling": "Divides every pixel value so the numbers are small (0 to 1, or −1 to 1). Networks learn more "
                 "easily from small numbers. No weights.",
    "Conv2D": "Slides small filters (for example 3×3) over the image. Each filter gives one feature map that is "
              "bright where its pattern (an edge, a colour, later a fur texture or an eye) appears. Every filter "
              "has one weight per input value under it, plus one bias.",
    "DepthwiseConv2D": "Filters each channel on its own with a small window (MobileNet's cheap convolution); "
                       "a 1×1 convolution then mixes the channels.",
    "ReLU": "ReLU keeps positive numbers and replaces negative ones with 0: max(0, x). It is what lets stacked "
            "layers learn more than one straight-line rule.",
    "MaxPooling2D": "Keeps the largest value of each 2×2 window, halving height and width. The map gets smaller, "
                    "keeps the strongest responses and tolerates small shifts. No weights.",
    "AveragePooling2D": "Keeps the average of each 2×2 window, halving height and width. No weights.",
    "GlobalAveragePooling2D": "Averages each whole feature map to one number: one value per channel. Far fewer "
                              "numbers reach the next layer than with Flatten.",
    "Flatten": "Lays the feature maps out as one long list of numbers (height × width × channels), so that a "
               "Dense layer can read them. No weights.",
    "Dense": "Each unit computes a weighted sum of every input plus a bias (z = w·x + b), then applies its "
             "activation. It has one weight per input per unit, which is why the first Dense layer after "
             "Flatten holds most of the parameters.",
    "Dropout": "During training only, sets a random share of the values to 0 (here {rate:.0%}) so the network "
               "cannot rely on any single feature. At prediction time it does nothing. No weights.",
    "BatchNormalization": "Re-centres and re-scales each channel using the batch's mean and spread (at prediction "
                          "time, averages tracked during training), then applies a learned scale γ and shift β. "
                          "Training becomes faster and steadier.",
    "ZeroPadding2D": "Adds a border of zeros around the feature maps so the next convolution keeps the size.",
    "sigmoid": "The output unit uses sigmoid, 1 / (1 + e^−z): it turns any number into a probability between 0 "
               "and 1. Above 0.5 means the second class (alphabetical order: dogs); sigmoid(0) is exactly 0.5.",
    "softmax": "The output units use softmax: one probability per class, all adding up to 1.",
    "Functional": "A whole network used as one layer.",
}


def explain(row: LayerRow, layer: layers.Layer | None = None) -> str:
    """A short plain-language explanation of one row of the table."""
    if row.layer_type == "Dense" and row.activation in ("sigmoid", "softmax") and row.name == "output":
        return EXPLANATIONS[row.activation]
    if row.nested:
        frozen = ("Its weights are frozen: training does not change them." if not row.trainable
                  else "Its weights are trained.")
        return f"{EXPLANATIONS['Functional']} {frozen}"
    text = EXPLANATIONS.get(row.layer_type, "")
    if row.layer_type == "Dropout":
        rate = float(getattr(layer, "rate", 0.5)) if layer is not None else 0.5
        text = text.format(rate=rate)
    if row.layer_type in ("Conv2D", "Dense") and row.activation == "relu":
        text += " Then ReLU: negative results become 0."
    return text


def layer_kinds(table: ModelTable) -> list[str]:
    """The explanation keys a model uses, in order of first appearance (for the glossary)."""
    kinds: list[str] = []
    for row in table.rows:
        key = row.activation if row.name == "output" and row.activation in ("sigmoid", "softmax") else row.layer_type
        if key not in kinds:
            kinds.append(key)
        if row.activation == "relu" and "ReLU" not in kinds:
            kinds.append("ReLU")
    return kinds


def describe_config(layer: layers.Layer) -> dict[str, Any]:
    """The few settings a learner cares about (kernel, filters, units, padding...)."""
    config = layer.get_config()
    keys = ("filters", "kernel_size", "strides", "padding", "pool_size", "units", "rate", "activation", "scale",
            "offset")
    return {key: config[key] for key in keys if key in config}
