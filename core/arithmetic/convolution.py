"""Convolution, ReLU and pooling worked out one window at a time (plain NumPy).

Deep-learning libraries call it "convolution" but compute a cross-correlation:
the kernel slides over the input as it is, without being flipped first. This
module does the same, so every number matches ``tf.nn.conv2d``,
``tf.nn.max_pool2d`` and ``tf.nn.avg_pool2d``, and it keeps a step record for
every output cell (the window, the products, the sum written out) so the lab
page can show the arithmetic a learner would do by hand.

Bad input raises ``ValueError`` with a message meant to be shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.arithmetic.numbers import (
    MAX_INPUT_SIDE,
    MAX_KERNEL_SIDE,
    MINUS,
    TIMES,
    equals,
    format_factor,
    format_number,
    parse_cell,
    parse_matrix,
)
from core.arithmetic.sizes import (
    OutputGrid,
    OutputSize,
    Padding,
    WindowPosition,
    check_stride,
    output_size,
    resolve_padding,
)

CROSS_CORRELATION_NOTE = (
    "Strictly, this is cross-correlation: the kernel slides over the image as it is. A mathematician's "
    "convolution flips the kernel first; deep-learning libraries skip the flip, since the network learns the "
    "weights either way."
)


@dataclass(frozen=True, eq=False)
class ConvolutionStep(WindowPosition):
    """Everything a learner writes down for one output cell."""

    index: int  # 0-based, row by row
    row: int
    col: int
    top: int  # window's top-left corner in the padded input
    left: int
    padding: Padding
    window: np.ndarray  # (kernel rows, kernel cols, channels)
    kernel: np.ndarray  # same shape
    products: np.ndarray  # window × kernel, element-wise
    channel_sums: tuple[float, ...]
    total: float
    bias: float
    relu: bool

    @property
    def pre_activation(self) -> float:
        return self.total + self.bias

    @property
    def output(self) -> float:
        return max(0.0, self.pre_activation) if self.relu else self.pre_activation

    @property
    def channel_count(self) -> int:
        return self.window.shape[2]

    def channel_expression(self, channel: int = 0) -> str:
        """``1×1 + 2×0 + 3×(−1) + …`` for one channel, row by row."""
        terms = [f"{format_factor(value)}{TIMES}{format_factor(weight)}"
                 for value, weight in zip(self.window[..., channel].ravel(), self.kernel[..., channel].ravel())]
        return " + ".join(terms)

    @property
    def expression(self) -> str:
        """Every product written out, all channels in order."""
        return " + ".join(self.channel_expression(channel) for channel in range(self.channel_count))

    @property
    def products_text(self) -> str:
        """The products alone, ``1 + 0 + (−3) + …``, in the same order as the expression."""
        return " + ".join(format_factor(value) for channel in range(self.channel_count)
                          for value in self.products[..., channel].ravel())

    @property
    def sum_text(self) -> str:
        return f"{self.expression} {equals(self.total, terms=(self.window, self.kernel))}"

    @property
    def products_sum_text(self) -> str:
        return f"{self.products_text} {equals(self.total, terms=self.products)}"

    @property
    def bias_text(self) -> str:
        sign = "+" if self.bias >= 0 else MINUS
        return (f"{format_number(self.total)} {sign} {format_number(abs(self.bias))} "
                f"{equals(self.pre_activation, terms=(self.total, self.bias))}")

    @property
    def activation_text(self) -> str:
        value = self.pre_activation
        return f"ReLU({format_number(value)}) = max(0, {format_number(value)}) {equals(max(0.0, value))}"


@dataclass(frozen=True, eq=False)
class ConvolutionResult(OutputGrid):
    """A whole convolution: the padded input, the output and a step for each output cell."""

    image: np.ndarray  # (rows, cols, channels) as given
    padded: np.ndarray  # with the zero rings
    kernel: np.ndarray  # (kernel rows, kernel cols, channels)
    stride: int
    padding: Padding
    bias: float
    relu: bool
    rows: OutputSize
    cols: OutputSize
    pre_activation: np.ndarray = field(repr=False)  # (out rows, out cols): sum + bias
    output: np.ndarray = field(repr=False)  # after ReLU when relu is on

    @property
    def channel_count(self) -> int:
        return self.image.shape[2]

    def step(self, index: int) -> ConvolutionStep:
        if not 0 <= index < self.cell_count:
            raise ValueError(f"Step {index + 1} does not exist: this output has {self.cell_count} cells.")
        row, col = divmod(int(index), self.cols.output)
        top, left = row * self.stride, col * self.stride
        kernel_rows, kernel_cols = self.kernel.shape[:2]
        window = self.padded[top:top + kernel_rows, left:left + kernel_cols, :]
        products = window * self.kernel
        channel_sums = tuple(float(products[..., channel].sum()) for channel in range(products.shape[2]))
        return ConvolutionStep(
            index=int(index), row=row, col=col, top=top, left=left, padding=self.padding,
            window=window, kernel=self.kernel, products=products, channel_sums=channel_sums,
            total=float(products.sum()), bias=self.bias, relu=self.relu,
        )

    def step_at(self, row: int, col: int) -> ConvolutionStep:
        if not (0 <= row < self.rows.output and 0 <= col < self.cols.output):
            raise ValueError(f"Output cell ({row + 1}, {col + 1}) is outside the {self.rows.output} × "
                             f"{self.cols.output} output.")
        return self.step(row * self.cols.output + col)

    def steps(self) -> list[ConvolutionStep]:
        return [self.step(index) for index in range(self.cell_count)]


def as_channels(array: np.ndarray) -> np.ndarray:
    return array[:, :, None] if array.ndim == 2 else array


def convolve2d(
    image: object,
    kernel: object,
    *,
    stride: int = 1,
    padding: str | int = "valid",
    bias: float = 0.0,
    relu: bool = False,
    max_side: int = MAX_INPUT_SIDE,
) -> ConvolutionResult:
    """Slide ``kernel`` over ``image`` as ``tf.nn.conv2d`` does (one filter).

    ``image`` is (rows, cols) or (rows, cols, channels); ``kernel`` has the
    same number of axes and channels. ``padding`` is "valid", "same"
    (TensorFlow's convention) or a number of zero rings on every side.
    """
    image_array = as_channels(parse_matrix(image, name="input", max_rows=max_side, max_cols=max_side,
                                            allow_channels=True))
    kernel_array = as_channels(parse_matrix(kernel, name="kernel", max_rows=MAX_KERNEL_SIDE,
                                             max_cols=MAX_KERNEL_SIDE, allow_channels=True))
    if kernel_array.shape[2] != image_array.shape[2]:
        raise ValueError(
            f"The kernel has {kernel_array.shape[2]} channel(s) but the input has {image_array.shape[2]}: a filter "
            "needs one 2-D slice of weights for each input channel."
        )
    stride = check_stride(stride)
    bias = parse_cell(bias, "The bias")
    pad = resolve_padding(image_array.shape[:2], kernel_array.shape[:2], stride, padding)
    rows = output_size(image_array.shape[0], kernel_array.shape[0], stride, pad.top, pad.bottom)
    cols = output_size(image_array.shape[1], kernel_array.shape[1], stride, pad.left, pad.right)
    padded = np.pad(image_array, ((pad.top, pad.bottom), (pad.left, pad.right), (0, 0)))
    kernel_rows, kernel_cols = kernel_array.shape[:2]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel_rows, kernel_cols), axis=(0, 1))
    windows = windows[::stride, ::stride][: rows.output, : cols.output]  # (out r, out c, channels, kr, kc)
    sums = np.einsum("ijcab,abc->ij", windows, kernel_array)
    pre_activation = sums + bias
    output = np.maximum(pre_activation, 0.0) if relu else pre_activation.copy()
    return ConvolutionResult(
        image=image_array, padded=padded, kernel=kernel_array, stride=stride, padding=pad, bias=float(bias),
        relu=bool(relu), rows=rows, cols=cols, pre_activation=pre_activation, output=output,
    )


def relu(values: np.ndarray) -> np.ndarray:
    """max(0, x) cell by cell: negatives become 0, positives pass unchanged (it is not an absolute value)."""
    return np.maximum(np.asarray(values, dtype=np.float64), 0.0)
