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

import keras
from keras import layers

from core.arithmetic.numbers import count_text, format_count
from core.models.layers import trained_layer_names

#: Bytes per parameter stored as float32.
BYTES_PER_PARAMETER = 4

#: Layer types that never change the shape and are left out of the shape-flow diagram.
SHAPE_KEEPING = ("Rescaling", "Dropout", "BatchNormalization", "ReLU", "Activation", "SpatialDropout2D")


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
    partly_trained: bool = False  # a nested model with some layers trained and others frozen (fine-tuning)

    @property
    def shape_text(self) -> str:
        return shape_text(self.output_shape)

    @property
    def type_text(self) -> str:
        """'Conv2D (relu)', or the type alone for a layer without an activation."""
        return self.layer_type + (f" ({self.activation})" if self.activation else "")

    @property
    def training_text(self) -> str:
        """'yes' (trained), 'partly' (a nested base with some layers fine-tuned), 'frozen' or '—' (no weights)."""
        if self.partly_trained:
            return "partly"
        if self.trainable_parameters:
            return "yes"
        return "frozen" if self.parameters else "—"


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

    def columns(self) -> dict[str, list[str]]:
        """The table as columns for a data frame, every number written out."""
        return {
            "layer": [row.name for row in self.rows],
            "type": [row.type_text for row in self.rows],
            "output shape": [row.shape_text for row in self.rows],
            "parameters": [format_count(row.parameters) for row in self.rows],
            "how they are counted": [row.formula for row in self.rows],
            "trained": [row.training_text for row in self.rows],
        }

    @property
    def weights_sentence(self) -> str:
        """'**3,453,121 parameters** × 4 bytes (float32) = **13.81 MB** of weights.'"""
        return (f"**{format_count(self.total_parameters)} parameters** × {BYTES_PER_PARAMETER} bytes (float32) = "
                f"**{self.size_megabytes:.2f} MB** of weights.")


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
            return (weights + channels * multiplier,
                    f"{text} + {channels * multiplier} = {format_count(weights + channels * multiplier)}")
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
            return (weights + units,
                    f"{format_count(inputs)} × {format_count(units)} + {format_count(units)} = "
                    f"{format_count(weights + units)}")
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
            partly_trained=_partly_trained(layer),
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


def _partly_trained(layer: keras.layers.Layer) -> bool:
    if not isinstance(layer, keras.Model) or not layer.trainable_weights:
        return False
    return any(inner.weights and not inner.trainable_weights for inner in layer.layers)


def training_state(model: keras.Model) -> str:
    """'trained', 'frozen: training does not change it', or '4 layers fine-tuned, the rest frozen'."""
    with_weights = [layer for layer in model.layers if layer.weights]
    trained = trained_layer_names(model)
    if not trained:
        return "frozen: training does not change it"
    if len(trained) == len(with_weights):
        return "trained"
    return f"{count_text(len(trained), 'layer')} fine-tuned, the rest frozen"


def nested_models(model: keras.Model) -> list[keras.Model]:
    """Models used as single layers inside ``model`` (the transfer model's base and head)."""
    return [layer for layer in model.layers if isinstance(layer, keras.Model)]


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


#: A nested model with at most this many layers (the transfer model's head) is drawn layer by layer.
EXPANDED_NESTED_LAYERS = 12


def _flow_rows(table: ModelTable, nested: dict[str, ModelTable]) -> list[LayerRow]:
    """The table's rows, a nested model's row replaced by its own layers (without their input) where given."""
    rows: list[LayerRow] = []
    for row in table.rows:
        if row.nested and row.name in nested:
            rows += [inner for inner in nested[row.name].rows if inner.layer_type != "InputLayer"]
        else:
            rows.append(row)
    return rows


def shape_flow(table: ModelTable, nested: dict[str, ModelTable] | None = None) -> list[ShapeStep]:
    """Input, then every layer that changes the shape (convolutions, pooling, flatten, dense...).

    ``nested`` maps a nested model's row name to its own table: those rows are
    drawn as their layers (the transfer model's head: convolution, pooling, output).
    """
    steps: list[ShapeStep] = []
    for row in _flow_rows(table, nested or {}):
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


