"""What each layer makes of a photo: feature maps, and the arithmetic behind one value.

A *probe* is a Keras model that runs the real network once and returns the
tensors asked for: a layer's output, a layer's input, and the final score
before the sigmoid/softmax (the logit, which Grad-CAM and saliency need).
Layers are named by *paths*: ``"conv1"`` for a layer of the model itself,
``"mobilenet_0.25_224/conv_pw_13_relu"`` or ``"head/head_conv"`` for a layer
inside a nested model (the transfer model wraps a whole MobileNet as one layer,
which is where most Grad-CAM tools break).

Probes are built once per (model, request) and cached; they are always called
with ``training=False`` so dropout and batch norm behave as in prediction.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from core.images import resize_for_model

#: Layer types whose outputs count as feature maps.
CONV_TYPES = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)
POOL_TYPES = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
#: Output activations that turn a logit into a probability.
PROBABILITY_ACTIVATIONS = ("sigmoid", "softmax")

SEPARATOR = "/"


# ----------------------------------------------------------------------------
# Finding layers by path
# ----------------------------------------------------------------------------


def _inner_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """A model's layers in call order, without its input layers."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def find_layer(model: keras.Model, path: str) -> keras.layers.Layer:
    """The layer at ``path`` (``"conv1"`` or ``"outer_layer/inner_layer"``)."""
    container: keras.layers.Layer = model
    for part in path.split(SEPARATOR):
        if not isinstance(container, keras.Model):
            raise ValueError(f"{path!r}: {container.name!r} is a layer, not a model, so it holds no {part!r}.")
        try:
            container = container.get_layer(part)
        except ValueError:
            names = ", ".join(layer.name for layer in _inner_layers(container))
            raise ValueError(f"No layer {part!r} in {container.name!r} (it has: {names}).") from None
    return container


def walk_layers(model: keras.Model, prefix: str = ""):
    """Every (path, layer) in call order, descending into nested models."""
    for layer in _inner_layers(model):
        path = f"{prefix}{layer.name}"
        if isinstance(layer, keras.Model):
            yield from walk_layers(layer, path + SEPARATOR)
        else:
            yield path, layer


def conv_layer_paths(model: keras.Model, include_depthwise: bool = True) -> list[str]:
    """Paths of every convolution layer, in call order (nested models included)."""
    if include_depthwise:
        return [path for path, layer in walk_layers(model) if isinstance(layer, CONV_TYPES)]
    return [path for path, layer in walk_layers(model) if type(layer) is keras.layers.Conv2D]


def feature_layer_paths(model: keras.Model) -> list[str]:
    """Paths of every convolution and (non-global) pooling layer, in call order."""
    return [path for path, layer in walk_layers(model) if isinstance(layer, CONV_TYPES + POOL_TYPES)]


def layer_kind(layer: keras.layers.Layer) -> str:
    if isinstance(layer, CONV_TYPES):
        return "convolution"
    if isinstance(layer, POOL_TYPES):
        return "pooling"
    return layer.__class__.__name__


# ----------------------------------------------------------------------------
# Probes: input -> (requested tensors..., logits, probabilities)
# ----------------------------------------------------------------------------


def _is_chain(model: keras.Model) -> bool:
    """True when every layer takes exactly the previous layer's single output."""
    if isinstance(model, keras.Sequential):
        return True
    try:
        config = model.get_config()
    except Exception:  # A subclassed model has no graph to read.
        return False
    layer_configs = config.get("layers", [])
    previous = None
    for layer_config in layer_configs:
        nodes = layer_config.get("inbound_nodes", [])
        if previous is None:
            if nodes:  # The first entry must be the input layer.
                return False
            previous = layer_config["name"]
            continue
        if len(nodes) != 1:
            return False
        tensors = list(_tensor_specs(nodes[0].get("args", [])))
        if len(tensors) != 1 or tensors[0]["config"]["keras_history"][0] != previous:
            return False
        previous = layer_config["name"]
    return _endpoint_count(config.get("input_layers")) == 1 and _endpoint_count(config.get("output_layers")) == 1


def _tensor_specs(value):
    """The serialised Keras tensors inside a node's (nested) argument list."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            yield value
        else:
            for item in value.values():
                yield from _tensor_specs(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensor_specs(item)


def _endpoint_count(spec) -> int:
    # Keras writes one endpoint as ["name", 0, 0] and several as a list of those.
    if not spec:
        return 0
    return 1 if isinstance(spec[0], str) else len(spec)


def _is_probability_layer(layer: keras.layers.Layer) -> bool:
    activation = getattr(layer, "activation", None)
    return isinstance(layer, keras.layers.Dense) and getattr(activation, "__name__", "") in PROBABILITY_ACTIVATIONS


def _split_requests(requests: set[tuple[str, str]], name: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Requests for layer ``name`` itself, and those for layers inside it."""
    own = {kind for path, kind in requests if path == name}
    inside = {(path[len(name) + 1:], kind) for path, kind in requests if path.startswith(name + SEPARATOR)}
    return own, inside


class _Trace:
    """Re-applies a model's layers to a new input, keeping the tensors asked for."""

    def __init__(self) -> None:
        self.captured: dict[tuple[str, str], object] = {}
        self.final_layer: keras.layers.Layer | None = None
        self.final_input = None

    def run(self, model: keras.Model, x, requests: set[tuple[str, str]], want_logit: bool, prefix: str = ""):
        nested_deeper = any(SEPARATOR in path for path, _ in requests)
        if _is_chain(model):
            return self._run_chain(model, x, requests, want_logit, prefix)
        if nested_deeper:
            raise ValueError(
                f"{model.name!r} is not a simple chain of layers, so layers nested inside its own "
                "nested models cannot be reached."
            )
        if not requests:
            return model(x)
        # Any graph: one sub-model of this model returns the layers asked for
        # plus its own output (the standard trick for a nested base model).
        ordered = sorted(requests)
        tensors = [getattr(model.get_layer(path), "input" if kind == "input" else "output") for path, kind in ordered]
        sub_model = keras.Model(model.inputs, [*tensors, model.output])
        outputs = sub_model(x)
        for (path, kind), tensor in zip(ordered, outputs[:-1]):
            self.captured[(prefix + path, kind)] = tensor
        return outputs[-1]

    def _run_chain(self, model: keras.Model, x, requests, want_logit: bool, prefix: str):
        layers = _inner_layers(model)
        for index, layer in enumerate(layers):
            last = index == len(layers) - 1
            own, inside = _split_requests(requests, layer.name)
            path = prefix + layer.name
            if "input" in own:
                self.captured[(path, "input")] = x
            if isinstance(layer, keras.Model) and (inside or (want_logit and last)):
                x = self.run(layer, x, inside, want_logit and last, path + SEPARATOR)
            else:
                if want_logit and last and _is_probability_layer(layer):
                    self.final_layer, self.final_input = layer, x
                x = layer(x)
            if "output" in own:
                self.captured[(path, "output")] = x
        return x


@dataclass(frozen=True)
class ProbeResult:
    """Tensors from one run of a probe (TensorFlow tensors, so gradients can flow)."""

    outputs: dict[str, object]  # layer path -> that layer's output
    inputs: dict[str, object]  # layer path -> that layer's input
    logits: object  # (N, units) scores before the sigmoid/softmax
    probabilities: object  # (N, units) the model's own output


class Probe:
    """A model that runs the real network once and returns chosen inner tensors."""

    def __init__(self, model: keras.Model, outputs: Sequence[str] = (), inputs: Sequence[str] = ()):
        for path in [*outputs, *inputs]:
            find_layer(model, path)  # clear error for a wrong path
        self.output_paths = tuple(outputs)
        self.input_paths = tuple(inputs)
        self.input_size = tuple(int(v) for v in model.input_shape[1:3])
        requests = {(path, "output") for path in outputs} | {(path, "input") for path in inputs}
        trace = _Trace()
        if _is_chain(model):
            pixels = keras.Input(shape=model.input_shape[1:], name="pixels")
            final = trace.run(model, pixels, requests, want_logit=True)
        else:
            # Any other graph: read the tensors straight from the model's own
            # graph (no nested paths, and logits recovered from probabilities).
            if any(SEPARATOR in path for path, _ in requests):
                raise ValueError(f"{model.name!r} is not a simple chain of layers; nested layers cannot be probed.")
            pixels, final = model.inputs[0], model.output
            for path, kind in requests:
                trace.captured[(path, kind)] = getattr(model.get_layer(path), kind)
        self.final_layer = trace.final_layer
        wanted = [trace.captured[(path, "output")] for path in self.output_paths]
        wanted += [trace.captured[(path, "input")] for path in self.input_paths]
        if self.final_layer is not None:
            wanted.append(trace.final_input)
        self.keras_model = keras.Model(pixels, [*wanted, final], name=f"{model.name}_probe")

    def __call__(self, batch) -> ProbeResult:
        results = self.keras_model(batch, training=False)
        if not isinstance(results, (list, tuple)):
            results = [results]
        results = list(results)
        probabilities = results.pop()
        count = len(self.output_paths)
        outputs = dict(zip(self.output_paths, results[:count]))
        inputs = dict(zip(self.input_paths, results[count:count + len(self.input_paths)]))
        if self.final_layer is not None:
            final_input = results[count + len(self.input_paths)]
            logits = keras.ops.matmul(final_input, self.final_layer.kernel)
            if self.final_layer.use_bias:
                logits = logits + self.final_layer.bias
        else:
            logits = _logits_from_probabilities(probabilities)
        return ProbeResult(outputs=outputs, inputs=inputs, logits=logits, probabilities=probabilities)


def _logits_from_probabilities(probabilities):
    # Fallback when the last layer cannot be reached: invert the sigmoid or
    # take log-probabilities (softmax logits up to a constant).
    clipped = keras.ops.clip(probabilities, 1e-7, 1 - 1e-7)
    if probabilities.shape[-1] == 1:
        return keras.ops.log(clipped) - keras.ops.log(1 - clipped)
    return keras.ops.log(clipped)


_PROBES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PROBE_LOCK = threading.Lock()


def get_probe(model: keras.Model, outputs: Sequence[str] = (), inputs: Sequence[str] = ()) -> Probe:
    """The probe for (model, outputs, inputs), built on first use and then reused."""
    key = (tuple(outputs), tuple(inputs))
    with _PROBE_LOCK:
        per_model = _PROBES.setdefault(model, {})
        if key not in per_model:
            per_model[key] = Probe(model, outputs, inputs)
        return per_model[key]


def model_input(model: keras.Model, pixels: np.ndarray) -> np.ndarray:
    """A (1, H, W, 3) float32 batch: the photo resized to the model's input size, 0..255."""
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[-1] != 3:
        raise ValueError(f"Expected an (height, width, 3) RGB photo, got shape {pixels.shape}.")
    size = tuple(int(v) for v in model.input_shape[1:3])
    if pixels.dtype != np.uint8:
        if pixels.shape[:2] != size:
            raise ValueError(f"A float photo must already be {size[0]}×{size[1]}, got {pixels.shape[:2]}.")
        return pixels.astype(np.float32)[None]
    return resize_for_model(pixels, size).astype(np.float32)[None]


# ----------------------------------------------------------------------------
# Feature maps
# ----------------------------------------------------------------------------


def shape_label(shape: Sequence[int]) -> str:
    """``(148, 148, 32)`` -> ``"148×148×32"``."""
    return "×".join(str(int(v)) for v in shape)


@dataclass(frozen=True)
class FeatureMaps:
    """The activations of one layer for one photo."""

    layer: str  # path
    kind: str  # "convolution" or "pooling"
    activations: np.ndarray  # (height, width, channels) float32

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(int(v) for v in self.activations.shape)

    @property
    def label(self) -> str:
        return shape_label(self.shape)

    @property
    def channel_means(self) -> np.ndarray:
        return self.activations.mean(axis=(0, 1))

    @property
    def order(self) -> np.ndarray:
        """Channel indices, strongest mean activation first (ties keep channel order)."""
        return np.argsort(-self.channel_means, kind="stable")

    @property
    def dead_channels(self) -> int:
        """Maps that are zero everywhere for this photo (after ReLU, nothing fired)."""
        return int(np.sum(np.all(self.activations == 0, axis=(0, 1))))


def reported_shapes(model: keras.Model, layers: Sequence[str] | None = None) -> dict[str, tuple[int, ...]]:
    """Each layer's output shape as the model itself reports it (without the batch axis)."""
    layers = feature_layer_paths(model) if layers is None else layers
    return {path: tuple(int(v) for v in find_layer(model, path).output.shape[1:]) for path in layers}


def compute_feature_maps(
    model: keras.Model, pixels: np.ndarray, layers: Sequence[str] | None = None
) -> list[FeatureMaps]:
    """The feature maps of ``layers`` (default: every conv and pooling layer) for one photo."""
    layers = feature_layer_paths(model) if layers is None else list(layers)
    if not layers:
        raise ValueError(f"{model.name!r} has no convolution or pooling layers.")
    probe = get_probe(model, outputs=layers)
    result = probe(model_input(model, pixels))
    maps = []
    for path in layers:
        activations = keras.ops.convert_to_numpy(result.outputs[path])[0].astype(np.float32, copy=False)
        maps.append(FeatureMaps(layer=path, kind=layer_kind(find_layer(model, path)), activations=activations))
    return maps


def layer_input_output(model: keras.Model, pixels: np.ndarray, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """What ``layer`` received and what it produced for one photo, as (H, W, C) arrays."""
    probe = get_probe(model, outputs=[layer], inputs=[layer])
    result = probe(model_input(model, pixels))
    received = keras.ops.convert_to_numpy(result.inputs[layer])[0]
    produced = keras.ops.convert_to_numpy(result.outputs[layer])[0]
    return received.astype(np.float32, copy=False), produced.astype(np.float32, copy=False)


# ----------------------------------------------------------------------------
# Drill-down: recompute one value of a feature map by hand
# ----------------------------------------------------------------------------

#: Relative and absolute tolerance for "matches the model" (float32 sums).
MATCH_RTOL = 1e-4
MATCH_ATOL = 1e-5


def _window_start(index: int, stride: int, kernel: int, in_size: int, out_size: int, padding: str) -> int:
    """First input row/column (may be negative: zero padding) of output position ``index``."""
    if padding == "same":
        pad_total = max((out_size - 1) * stride + kernel - in_size, 0)
        return index * stride - pad_total // 2
    return index * stride


def _padded_window(values: np.ndarray, top: int, left: int, height: int, width: int, fill: float) -> np.ndarray:
    """``values[top:top+height, left:left+width]`` with ``fill`` outside the edges."""
    window = np.full((height, width, values.shape[2]), fill, dtype=values.dtype)
    rows = slice(max(top, 0), min(top + height, values.shape[0]))
    cols = slice(max(left, 0), min(left + width, values.shape[1]))
    window[rows.start - top: rows.stop - top, cols.start - left: cols.stop - left] = values[rows, cols]
    return window


def _check_position(produced: np.ndarray, row: int, column: int, channel: int) -> None:
    height, width, channels = produced.shape
    if not (0 <= row < height and 0 <= column < width and 0 <= channel < channels):
        raise ValueError(
            f"Position (row {row}, column {column}, map {channel}) is outside the {shape_label(produced.shape)} output."
        )


@dataclass(frozen=True)
class ConvArithmetic:
    """How one value of a convolution's output is made, with the real numbers."""

    layer: str
    row: int
    column: int
    channel: int
    input_top: int  # first input row of the window (negative = zero padding)
    input_left: int
    window: np.ndarray  # (kh, kw, C) the input values under the kernel
    kernel: np.ndarray  # (kh, kw, C) the filter's weights
    products: np.ndarray  # window * kernel
    channel_sums: np.ndarray  # (C,) sum of products per input channel
    weighted_sum: float
    bias: float
    pre_activation: float  # weighted_sum + bias
    activation: str  # "relu", "linear", ...
    recomputed: float  # activation(pre_activation)
    model_value: float  # what the model computed at that position

    @property
    def matches(self) -> bool:
        return bool(np.isclose(self.recomputed, self.model_value, rtol=MATCH_RTOL, atol=MATCH_ATOL))


def conv_arithmetic(
    layer: keras.layers.Layer, received: np.ndarray, produced: np.ndarray, row: int, column: int, channel: int,
    layer_name: str | None = None,
) -> ConvArithmetic:
    """Recompute ``produced[row, column, channel]`` from the layer's input and weights."""
    if type(layer) is not keras.layers.Conv2D:
        raise ValueError(f"The drill-down recomputes plain Conv2D layers; {layer.name!r} is {type(layer).__name__}.")
    if tuple(layer.dilation_rate) != (1, 1) or getattr(layer, "groups", 1) != 1:
        raise ValueError(f"{layer.name!r} uses dilation or groups, which the drill-down does not cover.")
    _check_position(produced, row, column, channel)
    kernel_all = keras.ops.convert_to_numpy(layer.kernel).astype(np.float32)
    kernel_height, kernel_width = kernel_all.shape[:2]
    stride_rows, stride_cols = (int(v) for v in layer.strides)
    top = _window_start(row, stride_rows, kernel_height, received.shape[0], produced.shape[0], layer.padding)
    left = _window_start(column, stride_cols, kernel_width, received.shape[1], produced.shape[1], layer.padding)
    window = _padded_window(received, top, left, kernel_height, kernel_width, 0.0)
    kernel = kernel_all[..., channel]
    products = window.astype(np.float64) * kernel.astype(np.float64)
    channel_sums = products.sum(axis=(0, 1))
    weighted_sum = float(products.sum())
    bias = float(keras.ops.convert_to_numpy(layer.bias)[channel]) if layer.use_bias else 0.0
    pre_activation = weighted_sum + bias
    activation_name = getattr(layer.activation, "__name__", "linear")
    if activation_name == "relu":
        recomputed = max(0.0, pre_activation)
    elif activation_name == "linear":
        recomputed = pre_activation
    else:
        recomputed = float(keras.ops.convert_to_numpy(layer.activation(np.array([pre_activation], np.float32)))[0])
    return ConvArithmetic(
        layer=layer_name or layer.name, row=row, column=column, channel=channel, input_top=top, input_left=left,
        window=window, kernel=kernel, products=products, channel_sums=channel_sums, weighted_sum=weighted_sum,
        bias=bias, pre_activation=pre_activation, activation=activation_name, recomputed=float(recomputed),
        model_value=float(produced[row, column, channel]),
    )


@dataclass(frozen=True)
class PoolArithmetic:
    """How one value of a pooling layer's output is made."""

    layer: str
    row: int
    column: int
    channel: int
    input_top: int
    input_left: int
    window: np.ndarray  # (ph, pw) the input values of that channel under the window
    operation: str  # "max" or "average"
    recomputed: float
    model_value: float

    @property
    def matches(self) -> bool:
        return bool(np.isclose(self.recomputed, self.model_value, rtol=MATCH_RTOL, atol=MATCH_ATOL))


def pool_arithmetic(
    layer: keras.layers.Layer, received: np.ndarray, produced: np.ndarray, row: int, column: int, channel: int,
    layer_name: str | None = None,
) -> PoolArithmetic:
    """Recompute ``produced[row, column, channel]`` of a 2-D max or average pooling layer."""
    if not isinstance(layer, POOL_TYPES):
        raise ValueError(f"{layer.name!r} is not a 2-D pooling layer.")
    _check_position(produced, row, column, channel)
    pool_height, pool_width = (int(v) for v in layer.pool_size)
    stride_rows, stride_cols = (int(v) for v in layer.strides)
    top = _window_start(row, stride_rows, pool_height, received.shape[0], produced.shape[0], layer.padding)
    left = _window_start(column, stride_cols, pool_width, received.shape[1], produced.shape[1], layer.padding)
    is_max = isinstance(layer, keras.layers.MaxPooling2D)
    # Outside the edges ("same" padding) max pooling ignores positions; mark them -inf / NaN.
    window = _padded_window(received[..., channel:channel + 1], top, left, pool_height, pool_width, np.nan)[..., 0]
    recomputed = float(np.nanmax(window)) if is_max else float(np.nanmean(window))
    return PoolArithmetic(
        layer=layer_name or layer.name, row=row, column=column, channel=channel, input_top=top, input_left=left,
        window=window, operation="max" if is_max else "average", recomputed=recomputed,
        model_value=float(produced[row, column, channel]),
    )


def drill_down(
    model: keras.Model, pixels: np.ndarray, layer: str, row: int, column: int, channel: int
) -> ConvArithmetic | PoolArithmetic:
    """Recompute one feature-map value of ``layer`` for a photo, from the model's own numbers."""
    layer_object = find_layer(model, layer)
    received, produced = layer_input_output(model, pixels, layer)
    if isinstance(layer_object, POOL_TYPES):
        return pool_arithmetic(layer_object, received, produced, row, column, channel, layer)
    return conv_arithmetic(layer_object, received, produced, row, column, channel, layer)
