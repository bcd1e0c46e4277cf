"""The drill-down's arithmetic written out: where one value's window comes from, every step, and the check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.explain.drill_down import ConvArithmetic, PoolArithmetic

#: Input maps the drill-down shows in full by default (the largest contributions).
STRONGEST_SHOWN = 3

RGB_NAMES = ("red", "green", "blue")


def _verdict(recomputed: float, model_value: float, matches: bool) -> str:
    if matches:
        return f"Recomputed {recomputed:.6f} · matches the model: ✓"
    return f"Recomputed {recomputed:.6f} but the model has {model_value:.6f}: ✗"


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
        return (
            f"The value at row {result.row}, column {result.column} of map {result.channel} comes from a "
            f"{result.window.shape[0]}×{result.window.shape[1]}×{self.channel_count} window of {self.source}, "
            f"starting at input row {result.input_top}, column {result.input_left}, and filter {result.channel} "
            f"of **{result.layer}**."
        )

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
        return (
            f"**{result.layer}** takes a {result.window.shape[0]}×{result.window.shape[1]} window of map "
            f"{result.channel} of {self.source} (starting at row {result.input_top}, column {result.input_left}) "
            f"and keeps its {result.operation}. No weights, nothing learned."
        )

    @property
    def working(self) -> str:
        result = self.arithmetic
        return f"{result.operation} of the window = {result.recomputed:.6f}\nthe model computed {result.model_value:.6f}"

    @property
    def verdict(self) -> str:
        return _verdict(self.arithmetic.recomputed, self.arithmetic.model_value, self.matches)
