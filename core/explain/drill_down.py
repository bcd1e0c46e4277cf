"""The exact arithmetic behind one activation of a real layer, checked against that layer's output."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.explain.feature_maps import layer_input_output, shape_label
from core.models.layers import POOL_TYPES, find_layer

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
            f"Position (row {row + 1}, column {column + 1}, map {channel + 1}) is outside the "
            f"{shape_label(produced.shape)} output (rows, columns and maps count from 1)."
        )


@dataclass(frozen=True)
class ConvArithmetic:
    """How one value of a convolution's output is made, with the real numbers."""

    layer: str
    row: int
    column: int
    channel: int
    input_top: int  # first input row of the window, 0-based (negative = zero padding)
    input_left: int
    input_shape: tuple[int, int]  # rows and columns of the layer's input, to tell padding from input
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
        input_shape=(int(received.shape[0]), int(received.shape[1])), window=window, kernel=kernel,
        products=products, channel_sums=channel_sums, weighted_sum=weighted_sum,
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
    input_shape: tuple[int, int]
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
        input_shape=(int(received.shape[0]), int(received.shape[1])), window=window,
        operation="max" if is_max else "average", recomputed=recomputed,
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
