"""Steps 1 to 4 computed from the real model: the first convolution, its activation and what shrinks its map.

The first convolution differs between the shipped models: MobileNet's
(``transfer``) is a 3×3 convolution with stride 2 and "same" padding on pixels
rescaled to −1..1, followed by batch normalisation and ReLU6; the
from-scratch models' is a 3×3 convolution with stride 1 ("valid" or "same") on
pixels rescaled to 0..1, with ReLU inside the layer. One probe run returns
every tensor these steps show, so every number is the model's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.explain.drill_down import (
    MATCH_ATOL,
    MATCH_RTOL,
    ConvArithmetic,
    PoolArithmetic,
    conv_arithmetic,
    pool_arithmetic,
)
from core.explain.layer_text import input_description
from core.models.layers import CONV_TYPES, POOL_TYPES, inner_layers, trained_layer_names, walk_layers
from core.models.probe import get_probe, model_input

#: Side of the patch of the map that steps 3 and 4 show as numbers.
REGION_SIDE = 6


@dataclass(frozen=True)
class Relu:
    """The activation the model applies to the first layer's map: max(0, x), perhaps capped (ReLU6)."""

    cap: float | None  # 6 for MobileNet's ReLU6, None for a plain ReLU
    inside_conv: bool  # Keras' Conv2D(activation="relu") rather than a layer of its own
    layer: str  # the layer that applies it (the convolution itself when inside_conv)
    normalised_by: str | None  # a batch-normalisation layer between the convolution and the ReLU

    def apply(self, value: float) -> float:
        result = max(0.0, float(value))
        return min(result, self.cap) if self.cap is not None else result

    @property
    def formula(self) -> str:
        return "max(0, x)" if self.cap is None else f"min(max(0, x), {self.cap:g})"


def same_padding(in_size: int, kernel: int, stride: int) -> tuple[int, int]:
    """(before, after): the zeros TensorFlow's "same" padding adds on one axis.

    The output keeps ceil(in_size / stride) positions; the total padding those
    windows need is split with the odd one after the image, so a 384-wide input
    with a 3-wide kernel and stride 2 gets 0 zeros before and 1 after.
    """
    out_size = -(-in_size // stride)
    total = max((out_size - 1) * stride + kernel - in_size, 0)
    return total // 2, total - total // 2


@dataclass(frozen=True)
class FirstConv:
    """What the first convolution is, read from the layer itself."""

    path: str
    kernel_size: tuple[int, int]
    stride: int
    padding: str  # "valid" or "same"
    filters: int
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]
    receives: str  # markdown: what it receives ("the photo rescaled by the model (pixel ÷ 255)")
    input_range: tuple[float, float]  # what 0 and 255 become before the convolution
    padding_sides: tuple[int, int, int, int]  # zeros at the top, bottom, left and right


@dataclass(frozen=True)
class NormArithmetic:
    """Batch normalisation of the worked number by its formula, with the layer's own output there."""

    layer: str
    received: float  # the convolution's number
    mean: float  # the moving mean it subtracts (predicting uses the averages tracked during training)
    variance: float
    epsilon: float
    gamma: float  # the learned scale (1 for a layer without one)
    beta: float  # the learned shift (0 for a layer without one)
    model_value: float

    @property
    def recomputed(self) -> float:
        return (self.received - self.mean) / float(np.sqrt(self.variance + self.epsilon)) * self.gamma + self.beta

    @property
    def matches(self) -> bool:
        return bool(np.isclose(self.recomputed, self.model_value, rtol=MATCH_RTOL, atol=MATCH_ATOL))


@dataclass(frozen=True)
class TrainedLayers:
    """Which layers with weights training changed here, and which it left frozen (a pretrained base's)."""

    trained: tuple[str, ...]  # paths, nested models included ("head/output")
    frozen: tuple[str, ...]

    @property
    def everything(self) -> bool:
        return not self.frozen


def _trained_paths(model: keras.Model, prefix: str = "") -> list[str]:
    # trained_layer_names answers for one level (a partly fine-tuned base counts as trained), so descend into it.
    trained = set(trained_layer_names(model))
    paths: list[str] = []
    for layer in inner_layers(model):
        if layer.name not in trained:
            continue
        if isinstance(layer, keras.Model):
            paths.extend(_trained_paths(layer, f"{prefix}{layer.name}/"))
        else:
            paths.append(f"{prefix}{layer.name}")
    return paths


def trained_layers(model: keras.Model) -> TrainedLayers:
    """The layers whose weights training changed here, as the parameter table and glossary count them."""
    trained = _trained_paths(model)
    frozen = [path for path, layer in walk_layers(model) if layer.weights and path not in trained]
    return TrainedLayers(trained=tuple(trained), frozen=tuple(frozen))


def map_shrinkers(model: keras.Model) -> tuple[str, ...]:
    """How the model makes its maps smaller, in order of first use: "max pooling", "average pooling", "stride 2"."""
    kinds: list[str] = []
    for _, layer in walk_layers(model):
        if isinstance(layer, keras.layers.MaxPooling2D):
            kinds.append("max pooling")
        elif isinstance(layer, keras.layers.AveragePooling2D):
            kinds.append("average pooling")
        elif isinstance(layer, CONV_TYPES) and max(int(value) for value in layer.strides) > 1:
            kinds.append(f"stride {max(int(value) for value in layer.strides)}")
    return tuple(dict.fromkeys(kinds))


@dataclass(frozen=True, eq=False)
class FirstLayerLesson:
    """Everything steps 1 to 4 show, for one model and one photo."""

    model_name: str
    conv: FirstConv
    relu: Relu
    pixels: np.ndarray  # (H, W, 3) the photo resized to the model's input, 0..255
    received: np.ndarray  # (H, W, 3) what the first convolution receives (rescaled)
    channel: int  # the filter the steps follow
    worked: ConvArithmetic  # one output number worked out, with the model's value
    pre_map: np.ndarray  # (h, w) the filter's map as ReLU receives it
    post_map: np.ndarray  # (h, w) after the model's ReLU (the model's own output)
    region_top: int
    region_left: int
    pooling: PoolArithmetic | None  # the model's own max pooling of the map, when it has one right there
    pool_layer: str | None
    shrink_layer: str | None  # the next layer that makes the map smaller (pooling or a stride-2 convolution)
    normalised: NormArithmetic | None  # the worked number through batch normalisation, when the model has it
    training: TrainedLayers  # what training changed here (the recap says it)
    shrinkers: tuple[str, ...]  # how the whole model makes its maps smaller (see map_shrinkers)

    @property
    def patch_pixels(self) -> np.ndarray:
        """The 0..255 pixels under the worked window (clipped at the photo's edge)."""
        rows, cols = self.conv.kernel_size
        top, left = max(self.worked.input_top, 0), max(self.worked.input_left, 0)
        return self.pixels[top:top + rows, left:left + cols, :]

    def region(self, values: np.ndarray) -> np.ndarray:
        return values[self.region_top:self.region_top + REGION_SIDE, self.region_left:self.region_left + REGION_SIDE]

    @property
    def region_decimals(self) -> int:
        """Decimals that give the patch's largest number three significant digits (2 to 5)."""
        largest = float(np.abs(self.region(self.pre_map)).max())
        if largest <= 0:
            return 2
        return int(min(max(2 - np.floor(np.log10(largest)), 2), 5))

    @property
    def relu_matches(self) -> bool:
        """The model's map after ReLU equals the ReLU of the map before it, everywhere."""
        expected = np.maximum(self.pre_map, 0.0)
        if self.relu.cap is not None:
            expected = np.minimum(expected, self.relu.cap)
        return bool(np.allclose(expected, self.post_map, rtol=MATCH_RTOL, atol=MATCH_ATOL))

    @property
    def activation_input(self) -> float:
        """What the model's ReLU receives at the worked cell: the convolution's number, batch-normalised if it is."""
        return self.normalised.model_value if self.normalised is not None else self.worked.pre_activation

    @property
    def activated(self) -> float:
        """The worked number after the model's ReLU (ReLU6 clips at 6), by its formula."""
        return self.relu.apply(self.activation_input)

    @property
    def activated_matches(self) -> bool:
        """The formula's result equals the model's own map after its ReLU at the worked cell."""
        model_value = float(self.post_map[self.worked.row, self.worked.column])
        return bool(np.isclose(self.activated, model_value, rtol=MATCH_RTOL, atol=MATCH_ATOL))

    @property
    def pool_window_position(self) -> tuple[int, int]:
        """Top-left of the 2×2 window steps 4 works out, in map coordinates (the worked cell)."""
        return self.worked.row, self.worked.column


def _input_range(model: keras.Model, conv_path: str) -> tuple[float, float]:
    low, high = 0.0, 255.0
    for path, layer in walk_layers(model):
        if path == conv_path:
            break
        if isinstance(layer, keras.layers.Rescaling):
            scale, offset = float(layer.scale), float(layer.offset)
            low, high = low * scale + offset, high * scale + offset
    return low, high


def first_conv_path(model: keras.Model) -> str:
    for path, layer in walk_layers(model):
        if type(layer) is keras.layers.Conv2D:
            return path
    raise ValueError(f"{model.name!r} has no plain convolution layer, so the lesson cannot start.")


def _after(model: keras.Model, path: str) -> list[tuple[str, keras.layers.Layer]]:
    walked = list(walk_layers(model))
    position = [walked_path for walked_path, _ in walked].index(path)
    return walked[position + 1:]


def _find_relu(model: keras.Model, conv_path: str, conv: keras.layers.Layer) -> Relu:
    if getattr(conv.activation, "__name__", "linear") == "relu":
        return Relu(cap=None, inside_conv=True, layer=conv_path, normalised_by=None)
    normalised_by = None
    for path, layer in _after(model, conv_path)[:3]:
        if isinstance(layer, keras.layers.BatchNormalization):
            normalised_by = path
        elif isinstance(layer, keras.layers.ReLU) and not layer.negative_slope and not layer.threshold:
            cap = None if layer.max_value is None else float(layer.max_value)
            return Relu(cap=cap, inside_conv=False, layer=path, normalised_by=normalised_by)
        elif isinstance(layer, keras.layers.Activation) and getattr(layer.activation, "__name__", "") == "relu":
            return Relu(cap=None, inside_conv=False, layer=path, normalised_by=normalised_by)
        else:
            break
    raise ValueError(f"{model.name!r}'s first convolution {conv_path!r} is not followed by a ReLU.")


def _norm_arithmetic(layer: keras.layers.Layer, path: str, received: float, produced: float,
                     channel: int) -> NormArithmetic:
    if not isinstance(layer, keras.layers.BatchNormalization):
        raise ValueError(f"{path!r} is {type(layer).__name__}, not batch normalisation.")
    axis = layer.axis if isinstance(layer.axis, int) else layer.axis[0]
    if axis not in (-1, 3):
        raise ValueError(f"{path!r} normalises axis {layer.axis}; the lesson follows channels-last maps only.")

    def value(weight, default: float) -> float:
        return default if weight is None else float(keras.ops.convert_to_numpy(weight)[channel])

    return NormArithmetic(layer=path, received=received, mean=value(layer.moving_mean, 0.0),
                          variance=value(layer.moving_variance, 1.0), epsilon=float(layer.epsilon),
                          gamma=value(layer.gamma, 1.0), beta=value(layer.beta, 0.0), model_value=produced)


def _shrinking_layer(model: keras.Model, relu_layer: str) -> tuple[str | None, str | None]:
    """(the max pooling right after the ReLU or None, the next layer that makes the map smaller)."""
    following = _after(model, relu_layer)
    direct_pool = None
    if following and isinstance(following[0][1], keras.layers.MaxPooling2D):
        direct_pool = following[0][0]
    for path, layer in following:
        strides = tuple(getattr(layer, "strides", (1, 1)) or (1, 1))
        if isinstance(layer, POOL_TYPES) or max(strides) > 1:
            return direct_pool, path
    return direct_pool, None


def _choose_channel(pre_maps: np.ndarray, top: int, left: int, row: int, col: int) -> int:
    """A filter whose worked number is positive (so it survives ReLU) and whose patch of map has both negatives
    and positives most evenly (ReLU then shows both).

    Ties go to the filter with the larger spread over the whole map, then the lower index.
    """
    region = pre_maps[top:top + REGION_SIDE, left:left + REGION_SIDE]
    survives = pre_maps[row, col] > 0
    window_alive = (pre_maps[row:row + 2, col:col + 2] > 0).any(axis=(0, 1))  # step 4's window is not all 0
    negatives = (region < 0).sum(axis=(0, 1))
    positives = (region > 0).sum(axis=(0, 1))
    balance = np.minimum(negatives, positives)
    spread = pre_maps.std(axis=(0, 1))
    order = np.lexsort((np.arange(pre_maps.shape[2]), -spread, -balance, ~window_alive, ~survives))
    return int(order[0])


def _centre(out_rows: int, out_cols: int) -> tuple[int, int, int, int]:
    """(worked row, worked column, region top, region left): an even cell near the middle of the map."""
    row, col = (out_rows // 2) // 2 * 2, (out_cols // 2) // 2 * 2
    top = min(max(row - 2, 0), max(out_rows - REGION_SIDE, 0))
    left = min(max(col - 2, 0), max(out_cols - REGION_SIDE, 0))
    return row, col, top, left


def first_layer_lesson(model: keras.Model, pixels: np.ndarray, model_name: str) -> FirstLayerLesson:
    """Run the model once up to its first pooling and work out one number of each stage."""
    conv_path = first_conv_path(model)
    conv_layer = dict(walk_layers(model))[conv_path]
    relu = _find_relu(model, conv_path, conv_layer)
    pool_layer, shrink_layer = _shrinking_layer(model, relu.layer)
    outputs = [conv_path] + ([relu.normalised_by] if relu.normalised_by else []) + \
        ([] if relu.inside_conv else [relu.layer]) + ([pool_layer] if pool_layer else [])
    batch = model_input(model, pixels)
    result = get_probe(model, outputs=outputs, inputs=[conv_path])(batch)
    as_array = {path: keras.ops.convert_to_numpy(tensor)[0].astype(np.float32) for path, tensor in
                result.outputs.items()}
    received = keras.ops.convert_to_numpy(result.inputs[conv_path])[0].astype(np.float32)
    produced = as_array[conv_path]
    if relu.inside_conv:
        # The layer applies ReLU itself, so the map before it is the same convolution without the activation.
        kernel = keras.ops.convert_to_numpy(conv_layer.kernel)
        linear = keras.ops.convert_to_numpy(keras.ops.conv(received[None], kernel, strides=conv_layer.strides,
                                                           padding=conv_layer.padding))[0]
        if conv_layer.use_bias:
            linear = linear + keras.ops.convert_to_numpy(conv_layer.bias)
        pre_maps, post_maps = linear.astype(np.float32), produced
    else:
        pre_maps = as_array[relu.normalised_by] if relu.normalised_by else produced
        post_maps = as_array[relu.layer]
    row, col, top, left = _centre(produced.shape[0], produced.shape[1])
    channel = _choose_channel(pre_maps, top, left, row, col)
    worked = conv_arithmetic(conv_layer, received, produced, row, col, channel, conv_path)
    normalised = None
    if relu.normalised_by:
        normalised = _norm_arithmetic(dict(walk_layers(model))[relu.normalised_by], relu.normalised_by,
                                      worked.pre_activation, float(pre_maps[row, col, channel]), channel)
    pooling = None
    if pool_layer is not None:
        pool = dict(walk_layers(model))[pool_layer]
        pooling = pool_arithmetic(pool, post_maps, as_array[pool_layer], row // 2, col // 2, channel, pool_layer)
    kernel_rows, kernel_cols = (int(v) for v in conv_layer.kernel_size)
    stride_rows, stride_cols = (int(v) for v in conv_layer.strides)
    padding_sides = (0, 0, 0, 0)
    if conv_layer.padding == "same":
        padding_sides = (*same_padding(received.shape[0], kernel_rows, stride_rows),
                         *same_padding(received.shape[1], kernel_cols, stride_cols))
    conv = FirstConv(
        path=conv_path, kernel_size=tuple(int(v) for v in conv_layer.kernel_size), stride=int(conv_layer.strides[0]),
        padding=conv_layer.padding, filters=int(conv_layer.filters),
        input_shape=tuple(int(v) for v in received.shape), output_shape=tuple(int(v) for v in produced.shape),
        receives=input_description(model, conv_path, conv_path), input_range=_input_range(model, conv_path),
        padding_sides=padding_sides,
    )
    model_pixels = batch[0]
    return FirstLayerLesson(
        model_name=model_name, conv=conv, relu=relu, pixels=model_pixels, received=received, channel=channel,
        worked=worked, pre_map=pre_maps[..., channel], post_map=post_maps[..., channel], region_top=top,
        region_left=left, pooling=pooling, pool_layer=pool_layer, shrink_layer=shrink_layer, normalised=normalised,
        training=trained_layers(model), shrinkers=map_shrinkers(model),
    )
