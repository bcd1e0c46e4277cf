"""What the lab writes beside each step: the window's place, the output size, ReLU's changes.

Each object here is built from a result of core.arithmetic.convolution or
core.arithmetic.pooling and knows how to describe itself, so the page only
places the sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.arithmetic.convolution import ConvolutionResult, ConvolutionStep
from core.arithmetic.numbers import equals, format_factor, format_number
from core.arithmetic.pooling import PoolingResult, PoolingStep
from core.arithmetic.sizes import OutputSize, Padding


def step_heading(number: int, total: int, row: int, col: int) -> str:
    """``**Step 2 of 10** · output cell row 1, column 2`` (row and col 0-based)."""
    return f"**Step {number} of {total}** · output cell row {row + 1}, column {col + 1}"


def shape_summary(rows: OutputSize, cols: OutputSize, what: str = "k") -> str:
    """The output-size formula, with this input's numbers for rows and for columns."""
    return (
        f"**Output size** = {rows.formula} (n: input size, p: padding, {what}: window size, s: stride)  \n"
        f"rows: `{rows.text}` · columns: `{cols.text}` → **{rows.output} × {cols.output}**"
    )


def same_padding_note(padding: Padding) -> str:
    """Where TensorFlow put the zeros of 'same' padding (an odd extra goes bottom/right)."""
    return (
        f"'same' padding keeps ⌈n / s⌉ outputs. TensorFlow adds the zeros it needs, and when their number is odd "
        f"the extra one goes at the bottom/right: here {padding.top} above, {padding.bottom} below, "
        f"{padding.left} left, {padding.right} right."
    )


def convolution_step_count(result: ConvolutionResult) -> int:
    """One step per output cell, and one more for ReLU on the whole output when ReLU is on."""
    return result.cell_count + (1 if result.relu else 0)


def _span(start: int, length: int, limit: int | None = None) -> str:
    """``2–4``: 1-based first and last row (or column) a window covers, clamped to ``limit`` when given."""
    first, last = start + 1, start + length
    if limit is not None:
        first, last = max(start, 0) + 1, min(start + length, limit)
    return f"{first}–{last}"


#: Rows and columns are counted from 1 wherever a learner reads them (the lab and the drill-down); row 0, or
#: the one after the last, is then the zero padding around the input.
COUNTING_NOTE = "Rows and columns count from 1, as in the lab."


def window_span(start: int, length: int, axis: str) -> str:
    """``rows 4–6`` (1-based) for a window starting at 0-based ``start``; ``row 4`` for a window one wide."""
    first, last = start + 1, start + length
    return f"{axis} {first}" if length == 1 else f"{axis}s {first}–{last}"


def outside(start: int, length: int, size: int) -> list[int]:
    """The 1-based positions of a window outside an input of ``size`` (0 and below, or past ``size``)."""
    return [position for position in range(start + 1, start + length + 1) if position < 1 or position > size]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def padding_note(top: int, left: int, height: int, width: int, input_shape: tuple[int, int],
                 what_padding_does: str) -> str:
    """Which of the window's rows and columns are not in the input, and what the layer puts there ("" if none)."""
    parts = []
    for axis, positions in (("row", outside(top, height, input_shape[0])),
                            ("column", outside(left, width, input_shape[1]))):
        if positions:
            numbers = _join([str(position) for position in positions])
            parts.append(f"{axis}{'s' if len(positions) > 1 else ''} {numbers}")
    if not parts:
        return ""
    verb = "lies" if len(parts) == 1 and " and " not in parts[0] else "lie"
    return (f" {_join(parts).capitalize()} {verb} outside the {input_shape[0]}×{input_shape[1]} input: "
            f"{what_padding_does}")


@dataclass(frozen=True, eq=False)
class ConvolutionWindow:
    """One convolution step as the page writes it: where its window is, and what it adds up to."""

    step: ConvolutionStep
    input_shape: tuple[int, int]  # the real input, without padding
    relu: bool

    @property
    def padded_cells(self) -> int:
        """How many of the window's cells are padding zeros."""
        kernel_rows, kernel_cols = self.step.kernel.shape[:2]
        real_rows = max(min(self.step.input_top + kernel_rows, self.input_shape[0]) - max(self.step.input_top, 0), 0)
        real_cols = max(min(self.step.input_left + kernel_cols, self.input_shape[1]) - max(self.step.input_left, 0),
                        0)
        return kernel_rows * kernel_cols - real_rows * real_cols

    @property
    def text(self) -> str:
        kernel_rows, kernel_cols = self.step.kernel.shape[:2]
        padded = self.padded_cells
        note = padding_note(self.step.input_top, self.step.input_left, kernel_rows, kernel_cols, self.input_shape,
                            f"that is zero padding, so {padded} of the window's cells are 0.")
        return (f"**Window:** input rows {_span(self.step.input_top, kernel_rows)}, columns "
                f"{_span(self.step.input_left, kernel_cols)}." + note)

    @property
    def result_text(self) -> str:
        relu_note = " ReLU comes next, as its own step." if self.relu else ""
        return (f"**Output cell ({self.step.row + 1}, {self.step.col + 1})** "
                f"{equals(self.step.pre_activation)}.{relu_note}")


def convolution_window(result: ConvolutionResult, step: ConvolutionStep) -> ConvolutionWindow:
    return ConvolutionWindow(step, (int(result.image.shape[0]), int(result.image.shape[1])), result.relu)


@dataclass(frozen=True, eq=False)
class ReluSummary:
    """ReLU on a whole output: which numbers it changes."""

    pre_activation: np.ndarray

    RULE = ("**ReLU(x) = max(0, x)**: every negative number becomes 0 and every positive number stays exactly "
            "as it is. It is not an absolute value: −2 becomes 0, not 2.")

    @property
    def negatives(self) -> np.ndarray:
        values = np.asarray(self.pre_activation, dtype=np.float64)
        return values[values < 0]

    @property
    def changes_text(self) -> str:
        negatives = self.negatives
        if not negatives.size:
            return "No number is negative here, so ReLU changes nothing."
        changes = ", ".join(f"{format_number(value)} → 0" for value in negatives)
        return f"Changed here: {changes}. Everything else passes through unchanged."


def relu_heading(result: ConvolutionResult) -> str:
    return f"**Step {result.cell_count + 1} of {result.cell_count + 1} · ReLU on the whole output**"


@dataclass(frozen=True, eq=False)
class PoolingWindow:
    """One pooling step as the page writes it."""

    step: PoolingStep
    matrix_shape: tuple[int, int]
    size: int

    @property
    def text(self) -> str:
        rows = _span(self.step.input_top, self.size, self.matrix_shape[0])
        cols = _span(self.step.input_left, self.size, self.matrix_shape[1])
        return f"**Window:** rows {rows}, columns {cols}"

    @property
    def rule_label(self) -> str:
        what = "the largest number" if self.step.mode == "max" else "the mean of the numbers"
        return f"Keep {what}"

    @property
    def covers_padding(self) -> bool:
        return self.step.values.size < self.size * self.size


PADDING_IGNORED = ("Padding cells are ignored: they are neither a maximum nor counted in an average "
                   "(TensorFlow's rule).")


def pooling_window(result: PoolingResult, step: PoolingStep) -> PoolingWindow:
    return PoolingWindow(step, (int(result.matrix.shape[0]), int(result.matrix.shape[1])), result.size)


def channel_total_text(step: ConvolutionStep) -> str:
    """``490 + 0 + 500 = 990``: a colour step's three channel sums added up."""
    sums = " + ".join(format_factor(value) for value in step.channel_sums)
    return f"{sums} {equals(step.total, terms=step.channel_sums)}"


def channel_sum_text(step: ConvolutionStep, channel: int) -> str:
    """One channel's products written out and summed."""
    return (f"{step.channel_expression(channel)} "
            f"{equals(step.channel_sums[channel], terms=(step.window, step.kernel))}")
