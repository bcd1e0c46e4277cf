"""Max and average pooling worked out one window at a time (matches tf.nn.max_pool2d / avg_pool2d)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.arithmetic.convolution import as_channels
from core.arithmetic.numbers import MAX_INPUT_SIDE, equals, format_factor, format_number, parse_matrix
from core.arithmetic.sizes import (
    PADDING_MODES,
    OutputGrid,
    OutputSize,
    Padding,
    WindowPosition,
    check_stride,
    output_size,
    resolve_padding,
)

POOL_MODES = ("max", "average")


@dataclass(frozen=True, eq=False)
class PoolingStep(WindowPosition):
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
class PoolingResult(OutputGrid):
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
        grid = as_channels(self.matrix)[..., channel]
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
    stride = check_stride(size if stride is None else stride)
    pad = resolve_padding(array.shape[:2], (size, size), stride, padding.strip().lower())
    rows = output_size(array.shape[0], size, stride, pad.top, pad.bottom, what="pool window")
    cols = output_size(array.shape[1], size, stride, pad.left, pad.right, what="pool window")
    grid = as_channels(array)
    padded = np.pad(grid, ((pad.top, pad.bottom), (pad.left, pad.right), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size), axis=(0, 1))
    windows = windows[::stride, ::stride][: rows.output, : cols.output]  # (out r, out c, channels, size, size)
    # Every window holds at least one real cell (TensorFlow's padding never exceeds the window).
    output = np.nanmax(windows, axis=(3, 4)) if mode == "max" else np.nanmean(windows, axis=(3, 4))
    if array.ndim == 2:
        output = output[..., 0]
    return PoolingResult(matrix=array, size=size, stride=stride, mode=mode, padding=pad, rows=rows, cols=cols,
                         output=output)
