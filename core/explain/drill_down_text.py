"""The drill-down's arithmetic written out: where one value's window comes from, every step, and the check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.arithmetic.lab_steps import COUNTING_NOTE, padding_note, window_span
from core.explain.drill_down import ConvArithmetic, PoolArithmetic
from core.explain.numbering import shown_number

#: Input maps the drill-down shows in full by default (the largest contributions).
STRONGEST_SHOWN = 3

RGB_NAMES = ("red channel", "green channel", "blue channel")

#: What the drill-down's colours mean: sign, never a colour channel (steel blue and orange are no channel's colour).
SIGN_COLOURS = ("Colours show the sign of each number, not a colour channel: blue is positive, orange is "
                "negative, white is 0, and the stronger the colour, the larger the number.")


def _verdict(recomputed: float, model_value: float, matches: bool) -> str:
    if matches:
        return f"Recomputed {recomputed:.6f} · matches the model: ✓"
    return f"Recomputed {recomputed:.6f} but the model has {model_value:.6f}: ✗"


def _window_words(result, padding_reason: str) -> tuple[str, str, str]:
    """The window's rows, its columns and (when it reaches past the input) why those cells are special."""
    height, width = result.window.shape[:2]
    rows = window_span(result.input_top, height, "row")
    columns = window_span(result.input_left, width, "column")
    return rows, columns, padding_note(result.input_top, result.input_left, height, width, result.input_shape,
                                       padding_reason)


@dataclass(frozen=True, eq=False)
class ConvStory:
    """One convolution value: its arithmetic and the words for it.

    ``source`` says what the layer received (see
    :func:`core.explain.layer_text.input_description`); ``reads_photo`` is
    True for the first convolution, whose input channels are red, green, blue.
    """

    arithmetic: ConvArithmetic
    source: str
    reads_photo: bool

    @property
    def channel_count(self) -> int:
        return int(self.arithmetic.window.shape[2])

    @property
    def matches(self) -> bool:
        return self.arithmetic.matches

    @property
    def introduction(self) -> str:
        result = self.arithmetic
        height, width = result.window.shape[:2]
        rows, columns, padding = _window_words(
            result, "that is zero padding (the layer adds zeros around its input so the window fits), so the "
                    "window's numbers there are 0.")
        return (
            f"The value at row {result.row + 1}, column {result.column + 1} of map {shown_number(result.channel)} "
            f"comes from filter {shown_number(result.channel)} of **{result.layer}** "
            f"on a {height}×{width}×{self.channel_count} window of "
            f"{self.source}: input {rows}, {columns}.{padding} {COUNTING_NOTE}"
        )

    @property
    def window_is_signed(self) -> bool:
        return bool(np.nanmin(self.arithmetic.window) < 0)

    @property
    def colour_caption(self) -> str:
        """What the colours of the window, kernel and product grids mean."""
        window = ("The input window uses the same scale." if self.window_is_signed else
                  "The input window has no negative numbers, so it is gray: black is 0, white its largest number.")
        return f"{SIGN_COLOURS} {window}"

    @property
    def many_channels(self) -> bool:
        """More input maps than fit on screen: the learner picks which to show, and a bar chart sums them."""
        return self.channel_count > 3

    @property
    def strongest_channels(self) -> list[int]:
        """The input maps that add the most (in size) to the sum, largest first."""
        return [int(index) for index in np.argsort(-np.abs(self.arithmetic.channel_sums))[:STRONGEST_SHOWN]]

    @property
    def channel_names(self) -> list[str] | None:
        """'red', 'green', 'blue' for the photo's channels; None (numbered maps) otherwise."""
        return list(RGB_NAMES) if self.channel_count == 3 and self.reads_photo else None

    @property
    def working(self) -> str:
        """Every step from the products to the activation, one per line, ending with the model's value."""
        result = self.arithmetic
        lines = [
            f"sum of all {result.products.size} products (window × kernel) = {result.weighted_sum:+.6f}",
            f"+ bias {result.bias:+.6f} = {result.pre_activation:+.6f}",
        ]
        if result.activation == "relu":
            lines.append(f"ReLU: max(0, {result.pre_activation:+.6f}) = {result.recomputed:.6f}")
        elif result.activation != "linear":
            lines.append(f"{result.activation}({result.pre_activation:+.6f}) = {result.recomputed:.6f}")
        lines.append(f"the model computed {result.model_value:.6f}")
        return "\n".join(lines)

    @property
    def verdict(self) -> str:
        return _verdict(self.arithmetic.recomputed, self.arithmetic.model_value, self.matches)


@dataclass(frozen=True, eq=False)
class PoolStory:
    """One pooling value: the window it looked at, and the words for it."""

    arithmetic: PoolArithmetic
    source: str  # the layer it pools, e.g. "**conv2**"

    @property
    def matches(self) -> bool:
        return self.arithmetic.matches

    @property
    def introduction(self) -> str:
        result = self.arithmetic
        height, width = result.window.shape[:2]
        rows, columns, padding = _window_words(
            result, f"that is padding, which {result.operation} pooling leaves out (the cells marked “pad”).")
        return (
            f"The value at row {result.row + 1}, column {result.column + 1} of map {shown_number(result.channel)} "
            f"of **{result.layer}**: it takes a {height}×{width} window of map {shown_number(result.channel)} of "
            f"{self.source} "
            f"({rows}, {columns}) and keeps its {result.operation}. No weights, nothing learned.{padding} "
            f"{COUNTING_NOTE}"
        )

    @property
    def working(self) -> str:
        result = self.arithmetic
        return (f"{result.operation} of the window = {result.recomputed:.6f}\n"
                f"the model computed {result.model_value:.6f}")

    @property
    def verdict(self) -> str:
        return _verdict(self.arithmetic.recomputed, self.arithmetic.model_value, self.matches)
