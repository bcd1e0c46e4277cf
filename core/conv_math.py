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

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

#: The lab steps through at most this many rows and columns, so that every
#: number stays readable on a projector. Bigger images go to filter_image().
MAX_INPUT_SIDE = 12
MAX_KERNEL_SIDE = 7
MAX_STRIDE = 6
MAX_PADDING = 3
MAX_CHANNELS = 4

MINUS = "\u2212"  # a real minus sign: "−2", not the hyphen "-2"
TIMES = "\u00d7"
DECIMALS = 4

PADDING_MODES = ("valid", "same")
POOL_MODES = ("max", "average")

CROSS_CORRELATION_NOTE = (
    "Strictly, this is cross-correlation: the kernel slides over the image as it is. A mathematician's "
    "convolution flips the kernel first; deep-learning libraries skip the flip, since the network learns the "
    "weights either way."
)


# --------------------------------------------------------------------------- numbers as text


def format_number(value: float, decimals: int = DECIMALS) -> str:
    """A number as a learner writes it: ``3`` not ``3.0``, ``−2`` with a real minus sign.

    Non-integers are rounded to ``decimals`` places with trailing zeros removed.
    """
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    rounded = round(value, decimals)
    if rounded == 0:
        return "0"  # never "−0"
    if rounded == int(rounded) and abs(rounded) < 1e15:
        text = str(int(rounded))
    else:
        text = f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def format_factor(value: float, decimals: int = DECIMALS) -> str:
    """A number inside an expression: negatives in parentheses, ``3×(−1)``."""
    text = format_number(value, decimals)
    return f"({text})" if text.startswith(MINUS) else text


def is_rounded(value: float, decimals: int = DECIMALS) -> bool:
    """True when format_number() had to round ``value`` (so "≈" is the honest sign)."""
    value = float(value)
    if not math.isfinite(value):
        return False
    return abs(value - round(value, decimals)) > 1e-9 * max(1.0, abs(value))


def equals(value: float, decimals: int = DECIMALS, *, terms: object = ()) -> str:
    """ "= 3.75", or "≈ 0.3333" when the written result, or any written term before it, was rounded."""
    rounded = is_rounded(value, decimals) or any(is_rounded(term, decimals) for term in _flat(terms))
    return f"{'≈' if rounded else '='} {format_number(value, decimals)}"


def _flat(terms: object) -> list[float]:
    if isinstance(terms, (tuple, list)):
        return [value for part in terms for value in _flat(part)]
    return [float(value) for value in np.ravel(np.asarray(terms, dtype=np.float64))]


def format_count(value: int) -> str:
    """An integer with thousands separators: 6,272."""
    return f"{int(value):,}"


# --------------------------------------------------------------------------- reading matrices

_CELL_SPLIT = re.compile(r"[,\s;]+")


def _position(row: int, col: int, name: str, channel: int | None = None) -> str:
    where = f"In the {name}, row {row + 1}, column {col + 1}"
    if channel is not None:
        where += f", channel {channel + 1},"
    return where


def _parse_cell(value: object, where: str) -> float:
    if value is None:
        raise ValueError(f"{where} is empty. Type a number there.")
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{where} holds {value}, not a number.")
    if isinstance(value, str):
        text = value.strip().replace(MINUS, "-").replace("\u2013", "-")
        if text == "":
            raise ValueError(f"{where} is empty. Type a number there.")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{where} holds {value.strip()!r}, which is not a number.") from None
    else:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{where} holds {value!r}, which is not a number.") from None
    if math.isnan(number):
        raise ValueError(f"{where} is empty or not a number (NaN). Type a number there.")
    if math.isinf(number):
        raise ValueError(f"{where} is infinite. Type an ordinary number there.")
    if abs(number) > 1e9:
        raise ValueError(f"{where} is {format_number(number)}; keep numbers below a billion so they stay readable.")
    return number


def parse_matrix(
    cells: object,
    *,
    name: str = "input",
    max_rows: int = MAX_INPUT_SIDE,
    max_cols: int = MAX_INPUT_SIDE,
    allow_channels: bool = False,
) -> np.ndarray:
    """Check a matrix typed by a person and return it as float64.

    ``cells`` may be a list of rows, a NumPy array or a pandas DataFrame. The
    result has shape (rows, cols), or (rows, cols, channels) when
    ``allow_channels`` is true and the input has a third axis.
    """
    if hasattr(cells, "to_numpy") and hasattr(cells, "columns"):  # a pandas DataFrame
        cells = cells.to_numpy(dtype=object)
    if cells is None:
        raise ValueError(f"The {name} is empty: it needs at least one row and one column.")
    if isinstance(cells, np.ndarray):
        rows_list = cells.tolist() if cells.ndim >= 2 else ([cells.tolist()] if cells.ndim == 1 else [[cells.item()]])
    elif isinstance(cells, Sequence) and not isinstance(cells, str):
        rows_list = list(cells)
    else:
        raise ValueError(f"The {name} must be a table of numbers, got {type(cells).__name__}.")
    if len(rows_list) == 0:
        raise ValueError(f"The {name} is empty: it needs at least one row and one column.")
    first = rows_list[0]
    if not isinstance(first, (Sequence, np.ndarray)) or isinstance(first, str):
        raise ValueError(f"The {name} must be a table (a list of rows), not a single list of numbers.")
    widths = [len(row) if isinstance(row, (Sequence, np.ndarray)) and not isinstance(row, str) else -1
              for row in rows_list]
    if widths[0] == 0:
        raise ValueError(f"The {name} is empty: its rows have no numbers.")
    for index, width in enumerate(widths):
        if width != widths[0]:
            count = "no list" if width < 0 else f"{width} number{'s' if width != 1 else ''}"
            raise ValueError(
                f"The {name} is ragged: row {index + 1} has {count} but row 1 has {widths[0]}. "
                "Every row needs the same number of columns."
            )
    row_count, col_count = len(rows_list), widths[0]
    if row_count > max_rows or col_count > max_cols:
        raise ValueError(
            f"The {name} is {row_count} × {col_count}; the lab steps through at most {max_rows} × {max_cols} "
            "numbers so every one stays readable. Use a smaller matrix (whole photos go to the Real photo section)."
        )
    channel_count = None
    values: list = []
    for row_index, row in enumerate(rows_list):
        row_values = []
        for col_index, cell in enumerate(row):
            is_vector = isinstance(cell, (Sequence, np.ndarray)) and not isinstance(cell, str)
            if is_vector:
                if not allow_channels:
                    raise ValueError(f"{_position(row_index, col_index, name)} holds a list, not a single number.")
                if channel_count is None:
                    channel_count = len(cell)
                    if not 1 <= channel_count <= MAX_CHANNELS:
                        raise ValueError(f"The {name} has {channel_count} channels; the lab shows 1 to {MAX_CHANNELS}.")
                if len(cell) != channel_count:
                    raise ValueError(
                        f"{_position(row_index, col_index, name)} has {len(cell)} channels but others have "
                        f"{channel_count}."
                    )
                row_values.append([_parse_cell(item, _position(row_index, col_index, name, channel))
                                   for channel, item in enumerate(cell)])
            else:
                if channel_count is not None:
                    raise ValueError(f"{_position(row_index, col_index, name)} has no channels but others do.")
                row_values.append(_parse_cell(cell, _position(row_index, col_index, name)))
        values.append(row_values)
    return np.asarray(values, dtype=np.float64)


def parse_matrix_text(text: str, *, name: str = "input", max_rows: int = MAX_INPUT_SIDE,
                      max_cols: int = MAX_INPUT_SIDE) -> np.ndarray:
    """Read a matrix typed or pasted as text.

    Rows are lines (or ``;``-separated, or ``[...]`` groups as in Python);
    numbers are separated by commas, spaces or tabs. ``−`` counts as a minus.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"The {name} is empty: type one row of numbers per line.")
    if "[" in text or "]" in text:
        rows_text = re.findall(r"\[([^\[\]]*)\]", text)
        if not rows_text:
            raise ValueError(f"The {name}'s brackets don't match: write rows like [1, 2, 3].")
    else:
        rows_text = [line for line in re.split(r"[\n;]", text) if line.strip()]
    rows = [[cell for cell in _CELL_SPLIT.split(row.strip()) if cell != ""] for row in rows_text]
    rows = [row for row in rows if row] or [[]]
    return parse_matrix(rows, name=name, max_rows=max_rows, max_cols=max_cols)


def matrix_to_text(matrix: np.ndarray, *, row_separator: str = "\n", ascii_minus: bool = True) -> str:
    """The inverse of parse_matrix_text() for a 2-D matrix (used for links and the paste box)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"Only 2-D matrices can be written as text, got shape {matrix.shape}.")
    # Links keep full precision (repr) so a shared matrix comes back identical.
    rows = []
    for row in matrix:
        cells = []
        for value in row:
            text = str(int(value)) if float(value).is_integer() else repr(float(value))
            cells.append(text if ascii_minus else text.replace("-", MINUS))
        rows.append(",".join(cells))
    return row_separator.join(rows)


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Padding:
    """Zero rings added around the input, per side (TensorFlow puts any odd extra at the bottom/right)."""

    top: int = 0
    bottom: int = 0
    left: int = 0
    right: int = 0

    @property
    def is_zero(self) -> bool:
        return self.top == self.bottom == self.left == self.right == 0

    @property
    def is_symmetric(self) -> bool:
        return self.top == self.bottom == self.left == self.right


def padding_amounts(size: int, kernel: int, stride: int, padding: str | int) -> tuple[int, int]:
    """(before, after) zero rows for one axis.

    ``"valid"`` adds none, an integer adds that many on both sides, and
    ``"same"`` adds what TensorFlow adds so the output has ⌈size / stride⌉ cells.
    """
    _check_stride(stride)
    if isinstance(padding, str):
        mode = padding.strip().lower()
        if mode == "valid":
            return 0, 0
        if mode == "same":
            output = -(-size // stride)
            total = max((output - 1) * stride + kernel - size, 0)
            return total // 2, total - total // 2
        try:
            padding = int(mode)
        except ValueError:
            raise ValueError(f"Padding must be 'valid', 'same' or a whole number of zero rings, got {padding!r}.") from None
    if isinstance(padding, (bool, np.bool_)) or not float(padding).is_integer():
        raise ValueError(f"Padding must be a whole number of zero rings, got {padding!r}.")
    padding = int(padding)
    if padding < 0:
        raise ValueError(f"Padding can't be negative (got {padding}).")
    if padding > MAX_PADDING:
        raise ValueError(f"Padding of {padding} rings is more than the lab shows (at most {MAX_PADDING}).")
    return padding, padding


def resolve_padding(shape: tuple[int, int], kernel_shape: tuple[int, int], stride: int,
                    padding: str | int) -> Padding:
    top, bottom = padding_amounts(shape[0], kernel_shape[0], stride, padding)
    left, right = padding_amounts(shape[1], kernel_shape[1], stride, padding)
    return Padding(top, bottom, left, right)


@dataclass(frozen=True)
class OutputSize:
    """⌊(n + 2p − k) / s⌋ + 1 for one axis, with the numbers filled in."""

    size: int
    kernel: int
    stride: int
    padding_before: int
    padding_after: int

    @property
    def padded(self) -> int:
        return self.size + self.padding_before + self.padding_after

    @property
    def output(self) -> int:
        return (self.padded - self.kernel) // self.stride + 1

    @property
    def formula(self) -> str:
        """The general formula, e.g. ``⌊(n + 2p − k) / s⌋ + 1``."""
        if self.padding_before == self.padding_after:
            return f"⌊(n + 2p {MINUS} k) / s⌋ + 1"
        return f"⌊(n + p_before + p_after {MINUS} k) / s⌋ + 1"

    @property
    def text(self) -> str:
        """The formula with this axis' numbers, e.g. ``⌊(5 + 2×0 − 3) / 1⌋ + 1 = 3``."""
        if self.padding_before == self.padding_after:
            pad_text = f"2{TIMES}{self.padding_before}"
        else:
            pad_text = f"{self.padding_before} + {self.padding_after}"
        inner = self.padded - self.kernel
        return (f"⌊({self.size} + {pad_text} {MINUS} {self.kernel}) / {self.stride}⌋ + 1"
                f" = ⌊{format_number(inner)} / {self.stride}⌋ + 1 = {self.output}")


def _check_stride(stride: object) -> int:
    if isinstance(stride, (bool, np.bool_)):
        raise ValueError(f"The stride must be a whole number of at least 1, got {stride!r}.")
    try:
        number = float(stride)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"The stride must be a whole number of at least 1, got {stride!r}.") from None
    if not number.is_integer():
        raise ValueError(f"The stride must be a whole number of at least 1, got {format_number(number)}.")
    if number < 1:
        raise ValueError(
            f"The stride must be at least 1 (got {format_number(number)}): the window has to move to the next "
            "position."
        )
    if number > MAX_STRIDE:
        raise ValueError(f"A stride of {format_number(number)} is more than the lab shows (at most {MAX_STRIDE}).")
    return int(number)


def output_size(size: int, kernel: int, stride: int, padding_before: int = 0, padding_after: int | None = None,
                *, what: str = "kernel") -> OutputSize:
    """The output length along one axis, refusing a window that doesn't fit."""
    stride = _check_stride(stride)
    padding_after = padding_before if padding_after is None else padding_after
    result = OutputSize(int(size), int(kernel), stride, int(padding_before), int(padding_after))
    if result.kernel < 1 or result.size < 1:
        raise ValueError(f"Sizes must be at least 1 (input {size}, {what} {kernel}).")
    if result.kernel > result.padded:
        raise ValueError(
            f"The {what} ({kernel} wide) is larger than the padded input ({result.padded} = {size} + "
            f"{padding_before} + {padding_after}), so it fits nowhere. Add padding or use a smaller {what}."
        )
    return result


# --------------------------------------------------------------------------- convolution


class _OutputGrid:
    """The output's size, shared by convolution and pooling results."""

    rows: "OutputSize"
    cols: "OutputSize"

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows.output, self.cols.output

    @property
    def cell_count(self) -> int:
        return self.rows.output * self.cols.output


class _WindowPosition:
    """Where a step's window sits in the original (unpadded) input."""

    top: int
    left: int
    padding: "Padding"

    @property
    def input_top(self) -> int:
        """Window's top row in the original input; negative when it starts in the padding."""
        return self.top - self.padding.top

    @property
    def input_left(self) -> int:
        return self.left - self.padding.left


@dataclass(frozen=True, eq=False)
class ConvolutionStep(_WindowPosition):
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
class ConvolutionResult(_OutputGrid):
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


def _as_channels(array: np.ndarray) -> np.ndarray:
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
    image_array = _as_channels(parse_matrix(image, name="input", max_rows=max_side, max_cols=max_side,
                                            allow_channels=True))
    kernel_array = _as_channels(parse_matrix(kernel, name="kernel", max_rows=MAX_KERNEL_SIDE,
                                             max_cols=MAX_KERNEL_SIDE, allow_channels=True))
    if kernel_array.shape[2] != image_array.shape[2]:
        raise ValueError(
            f"The kernel has {kernel_array.shape[2]} channel(s) but the input has {image_array.shape[2]}: a filter "
            "needs one 2-D slice of weights for each input channel."
        )
    stride = _check_stride(stride)
    bias = _parse_cell(bias, "The bias")
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


# --------------------------------------------------------------------------- pooling


@dataclass(frozen=True, eq=False)
class PoolingStep(_WindowPosition):
    index: int
    row: int
    col: int
    top: int  # window's top-left in the padded grid
    left: int
    padding: Padding
    window: np.ndarray  # (size, size); NaN where the window lies in padding
    mode: str
    output: float

    @property
    def values(self) -> np.ndarray:
        """The real (non-padding) numbers the window covers, row by row."""
        flat = self.window.ravel()
        return flat[~np.isnan(flat)]

    @property
    def expression(self) -> str:
        values = self.values
        if self.mode == "max":
            return f"max({', '.join(format_number(value) for value in values)}) {equals(self.output)}"
        terms = " + ".join(format_factor(value) for value in values)
        total = values.sum()
        return (f"({terms}) / {len(values)} {equals(total, terms=values)} / {len(values)} "
                f"{equals(self.output, terms=values)}")


@dataclass(frozen=True, eq=False)
class PoolingResult(_OutputGrid):
    matrix: np.ndarray  # (rows, cols) or (rows, cols, channels)
    size: int
    stride: int
    mode: str
    padding: Padding
    rows: OutputSize
    cols: OutputSize
    output: np.ndarray = field(repr=False)

    def step(self, index: int, channel: int = 0) -> PoolingStep:
        if not 0 <= index < self.cell_count:
            raise ValueError(f"Step {index + 1} does not exist: this output has {self.cell_count} cells.")
        row, col = divmod(int(index), self.cols.output)
        top, left = row * self.stride, col * self.stride
        grid = _as_channels(self.matrix)[..., channel]
        padded = np.pad(grid, ((self.padding.top, self.padding.bottom), (self.padding.left, self.padding.right)),
                        constant_values=np.nan)
        window = padded[top:top + self.size, left:left + self.size]
        output = self.output[row, col] if self.output.ndim == 2 else self.output[row, col, channel]
        return PoolingStep(index=int(index), row=row, col=col, top=top, left=left, padding=self.padding,
                           window=window, mode=self.mode, output=float(output))

    def steps(self) -> list[PoolingStep]:
        return [self.step(index) for index in range(self.cell_count)]


def pool2d(
    matrix: object,
    *,
    size: int = 2,
    stride: int | None = None,
    mode: str = "max",
    padding: str = "valid",
    max_side: int = MAX_INPUT_SIDE,
) -> PoolingResult:
    """Max or average pooling as ``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d`` compute it.

    ``stride`` defaults to ``size`` (as Keras does). With "same" padding the
    padded cells are ignored: a max never picks them and an average divides by
    the number of real cells only, which is TensorFlow's convention.
    """
    mode = {"avg": "average", "mean": "average"}.get(str(mode).lower(), str(mode).lower())
    if mode not in POOL_MODES:
        raise ValueError(f"Pooling is 'max' or 'average', got {mode!r}.")
    if isinstance(padding, str) and padding.strip().lower() not in PADDING_MODES:
        raise ValueError(f"Pooling padding is 'valid' or 'same', got {padding!r}.")
    if not isinstance(padding, str):
        raise ValueError(f"Pooling padding is 'valid' or 'same', got {padding!r}.")
    array = parse_matrix(matrix, name="matrix to pool", max_rows=max_side, max_cols=max_side, allow_channels=True)
    try:
        size_number = float(size)
    except (TypeError, ValueError):
        raise ValueError(f"The pool size must be a whole number of at least 1, got {size!r}.") from None
    if not size_number.is_integer() or size_number < 1:
        raise ValueError(f"The pool size must be a whole number of at least 1, got {size!r}.")
    size = int(size_number)
    stride = _check_stride(size if stride is None else stride)
    pad = resolve_padding(array.shape[:2], (size, size), stride, padding.strip().lower())
    rows = output_size(array.shape[0], size, stride, pad.top, pad.bottom, what="pool window")
    cols = output_size(array.shape[1], size, stride, pad.left, pad.right, what="pool window")
    grid = _as_channels(array)
    padded = np.pad(grid, ((pad.top, pad.bottom), (pad.left, pad.right), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size), axis=(0, 1))
    windows = windows[::stride, ::stride][: rows.output, : cols.output]  # (out r, out c, channels, size, size)
    # Every window holds at least one real cell (TensorFlow's padding never exceeds the window).
    output = np.nanmax(windows, axis=(3, 4)) if mode == "max" else np.nanmean(windows, axis=(3, 4))
    if array.ndim == 2:
        output = output[..., 0]
    return PoolingResult(matrix=array, size=size, stride=stride, mode=mode, padding=pad, rows=rows, cols=cols,
                         output=output)


# --------------------------------------------------------------------------- whole photos and kernels


def filter_image(gray: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlate a whole grayscale photo with a 2-D kernel using OpenCV.

    Zero padding keeps the size ("same"), like the lab; OpenCV's filter2D does
    not flip the kernel, so it computes exactly what the lab shows. Returns
    float32, signed.
    """
    gray = np.asarray(gray, dtype=np.float32)
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError(f"Expected a 2-D grayscale image, got shape {gray.shape}.")
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(f"The photo filter needs a 2-D kernel, got shape {kernel.shape}.")
    return cv2.filter2D(gray, cv2.CV_32F, kernel, borderType=cv2.BORDER_CONSTANT)


def response_to_uint8(response: np.ndarray, percentile: float = 100.0) -> np.ndarray:
    """Show a signed filter response as brightness: |value| scaled so that the given percentile is white.

    A percentile below 100 (e.g. 99.5) keeps a few extreme pixels from making
    everything else look black.
    """
    magnitude = np.abs(np.asarray(response, dtype=np.float32))
    peak = float(np.percentile(magnitude, percentile)) if magnitude.size else 0.0
    if peak <= 0 and magnitude.size:
        peak = float(magnitude.max())
    if peak <= 0:
        return np.zeros(magnitude.shape, np.uint8)
    return np.clip(magnitude * (255.0 / peak), 0, 255).round().astype(np.uint8)


def crop(matrix: np.ndarray, top: int, left: int, size: int = 6) -> np.ndarray:
    """A size × size corner of ``matrix`` starting at (top, left), clamped to stay inside."""
    matrix = np.asarray(matrix)
    if matrix.shape[0] < size or matrix.shape[1] < size:
        raise ValueError(f"The image ({matrix.shape[0]} × {matrix.shape[1]}) is smaller than a {size} × {size} crop.")
    top = int(min(max(top, 0), matrix.shape[0] - size))
    left = int(min(max(left, 0), matrix.shape[1] - size))
    return matrix[top:top + size, left:left + size].copy()


CHANNEL_CHOICES = ("red", "green", "blue", "sum")


def first_layer_kernel(weights: np.ndarray, filter_index: int, channel: str = "sum", decimals: int = 3) -> np.ndarray:
    """One 3×3 slice of a first-layer kernel of shape (rows, cols, 3, filters), rounded for the editor.

    ``channel`` picks the weights applied to the red, green or blue channel,
    or "sum": what the filter does to a gray pixel (equal R, G and B).
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 4 or weights.shape[2] != 3:
        raise ValueError(f"Expected first-layer weights of shape (rows, cols, 3, filters), got {weights.shape}.")
    if not 0 <= filter_index < weights.shape[3]:
        raise ValueError(f"Filter {filter_index + 1} does not exist: the layer has {weights.shape[3]} filters.")
    if channel not in CHANNEL_CHOICES:
        raise ValueError(f"Channel must be one of {', '.join(CHANNEL_CHOICES)}, got {channel!r}.")
    kernel = weights[:, :, :, filter_index]
    kernel = kernel.sum(axis=2) if channel == "sum" else kernel[:, :, CHANNEL_CHOICES.index(channel)]
    return np.round(kernel, decimals)


def random_kernel(seed: int, size: int = 3, low: int = -2, high: int = 2) -> np.ndarray:
    """Whole-number weights between ``low`` and ``high`` so the sums stay easy to check by hand."""
    return np.random.default_rng(int(seed)).integers(low, high + 1, (size, size)).astype(np.float64)


# --------------------------------------------------------------------------- presets

EDGE_IMAGE = [[1, 2, 3, 0, 1], [0, 1, 2, 3, 1], [3, 2, 1, 0, 2], [1, 0, 3, 2, 1], [2, 1, 0, 1, 0]]
VERTICAL_EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
POOL_IMAGE = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
# The first two rows are the ones the course chapter prints; the rest complete
# the 5×5 picture from the same well-known illustration.
SHARPEN_IMAGE = [
    [105, 102, 100, 97, 96],
    [103, 99, 103, 101, 102],
    [101, 98, 104, 102, 100],
    [99, 101, 106, 104, 99],
    [104, 104, 104, 100, 98],
]
SHARPEN = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # responds to left-to-right changes: vertical edges
SOBEL_Y = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]  # responds to top-to-bottom changes: horizontal edges
IDENTITY = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
BOX_BLUR = [[1 / 9] * 3] * 3
# A small step image: dark on the left, bright on the right, and a bright bottom row.
STEP_IMAGE = [
    [10, 10, 10, 80, 80, 80],
    [10, 10, 10, 80, 80, 80],
    [10, 10, 10, 80, 80, 80],
    [10, 10, 10, 80, 80, 80],
    [90, 90, 90, 90, 90, 90],
    [90, 90, 90, 90, 90, 90],
]


@dataclass(frozen=True)
class Preset:
    """A starting point for the lab: matrices and settings."""

    key: str
    title: str
    description: str
    image: tuple[tuple[float, ...], ...]
    kernel: tuple[tuple[float, ...], ...]
    stride: int = 1
    padding: str | int = "valid"
    bias: float = 0.0
    relu: bool = False
    view: str = "convolution"
    pool_source: str = "convolution"  # or "input"
    pool_mode: str = "max"
    pool_size: int = 2
    pool_stride: int = 2


def _rows(matrix: Sequence[Sequence[float]]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(value) for value in row) for row in matrix)


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset("edge", "Vertical edge on a 5×5 image (the long tutorial)",
               "The tutorial's 5×5 image and vertical-edge kernel. First output row: −2, 2, 2. "
               "(The tutorial's text also says 2 for the first cell; it is −2.)",
               _rows(EDGE_IMAGE), _rows(VERTICAL_EDGE), relu=True),
        Preset("pooling", "Max pooling a 4×4 matrix, 2×2, stride 2",
               "Each 2×2 block keeps its largest number: [[6, 8], [14, 16]].",
               _rows(POOL_IMAGE), _rows([[1]]), view="pooling", pool_source="input"),
        Preset("sharpen", "Sharpen kernel on zero-padded pixels (105, 102, 100…)",
               "One ring of zeros around the pixels; the top-left output is 5×105 − 102 − 103 = 320.",
               _rows(SHARPEN_IMAGE), _rows(SHARPEN), padding=1),
        Preset("sobel_x", "Sobel x: vertical edges",
               "Large where brightness changes from left to right.", _rows(STEP_IMAGE), _rows(SOBEL_X)),
        Preset("sobel_y", "Sobel y: horizontal edges",
               "Large where brightness changes from top to bottom.", _rows(STEP_IMAGE), _rows(SOBEL_Y)),
        Preset("identity", "Identity kernel",
               "A single 1 in the middle copies each pixel: with 'same' padding the output equals the input.",
               _rows(EDGE_IMAGE), _rows(IDENTITY), padding="same"),
        Preset("blur", "Box blur (3×3 average)",
               "Nine weights of 1/9: each output is the mean of its 3×3 window. 1/9 is written rounded (0.1111).",
               _rows(STEP_IMAGE), _rows(BOX_BLUR)),
        Preset("random", "Random kernel",
               "Whole-number weights from −2 to 2, drawn at random (press “New random kernel” for another).",
               _rows(EDGE_IMAGE), _rows(random_kernel(0))),
        Preset("model", "A kernel from the trained model's first layer",
               "One 3×3 filter of the classic model's first convolution (conv1: 32 filters of 3×3×3 weights), "
               "rounded to 3 decimals.",
               _rows(STEP_IMAGE), _rows(IDENTITY)),
    )
}
DEFAULT_PRESET = "edge"

#: The small RGB example: a red-and-blue object on a dark background (0..255).
RGB_IMAGE = np.stack([
    np.array([[200, 210, 40, 30], [190, 220, 35, 20], [205, 200, 30, 25], [30, 20, 10, 15]], dtype=np.float64),
    np.array([[40, 45, 50, 40], [35, 50, 45, 40], [40, 45, 50, 35], [20, 25, 15, 10]], dtype=np.float64),
    np.array([[30, 20, 180, 190], [25, 35, 200, 210], [20, 30, 195, 185], [15, 10, 20, 25]], dtype=np.float64),
], axis=2)
#: A 3×3×3 filter: a vertical-edge detector on red, nothing on green, the opposite edge on blue.
RGB_KERNEL = np.stack([
    np.array(VERTICAL_EDGE, dtype=np.float64),
    np.zeros((3, 3)),
    -np.array(VERTICAL_EDGE, dtype=np.float64),
], axis=2)
