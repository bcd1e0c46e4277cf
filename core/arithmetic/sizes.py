"""Output sizes of convolution and pooling: the one formula, written out for the learner."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.arithmetic.numbers import MAX_PADDING, MAX_STRIDE, MINUS, TIMES, format_number

PADDING_MODES = ("valid", "same")


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
    check_stride(stride)
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
            raise ValueError(f"Padding must be 'valid', 'same' or a whole number of zero rings, "
                             f"got {padding!r}.") from None
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


def check_stride(stride: object) -> int:
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
    stride = check_stride(stride)
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


def layer_output_size(size: int, kernel: int, stride: int = 1, padding: str | int = "valid") -> int:
    """Cells along one axis after a convolution or pooling layer, as Keras computes its shape.

    The same formula as :func:`output_size`, but a window that fits nowhere gives
    0 cells instead of an error (the model builder reports that case itself).
    """
    before, after = padding_amounts(size, kernel, stride, padding)
    return max(OutputSize(int(size), int(kernel), int(stride), before, after).output, 0)


class OutputGrid:
    """The output's size, shared by convolution and pooling results."""

    rows: OutputSize
    cols: OutputSize

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows.output, self.cols.output

    @property
    def cell_count(self) -> int:
        return self.rows.output * self.cols.output


class WindowPosition:
    """Where a step's window sits in the original (unpadded) input."""

    top: int
    left: int
    padding: Padding

    @property
    def input_top(self) -> int:
        """Window's top row in the original input; negative when it starts in the padding."""
        return self.top - self.padding.top

    @property
    def input_left(self) -> int:
        return self.left - self.padding.left
