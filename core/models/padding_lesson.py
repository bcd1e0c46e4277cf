"""The common arithmetic mistake: the classic model's sizes with valid padding, and the tutorials' same-padding ones.

The hand arithmetic comes from :func:`core.arithmetic.shape_chain.padding_comparison`;
the lesson checks it against the real Keras model's output shapes before it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.arithmetic.numbers import format_count
from core.arithmetic.shape_chain import PaddingComparison, padding_comparison
from core.models.summary import ModelTable
from core.wording.percent import share_percent

#: The layers whose output height the comparison follows.
SIZE_CHANGING = ("Conv2D", "MaxPooling2D")


def _chain(sizes: tuple[int, ...]) -> str:
    return " → ".join(str(size) for size in sizes)


@dataclass(frozen=True)
class PaddingLesson:
    """The comparison, the real model's sizes and its parameter count, and the text that explains them."""

    comparison: PaddingComparison
    keras_sizes: tuple[int, ...]  # the input height, then each convolution's and pooling's output height
    total_parameters: int  # of the whole classic model

    @property
    def matches(self) -> bool:
        """True when the hand arithmetic gives the real model's shapes."""
        return self.keras_sizes == self.comparison.valid_sizes

    @property
    def text(self) -> str:
        """The explanation (Markdown): where each size comes from and what the tutorials get wrong."""
        comparison = self.comparison
        flatten_valid, flatten_same = comparison.flatten_valid, comparison.flatten_same
        last_valid, last_same = comparison.valid_sizes[-1], comparison.same_sizes[-1]
        channels, units = comparison.channels, comparison.dense_units
        return (
            f"The classic model's convolutions use Keras' default **valid** padding: a 3×3 filter only fits where "
            f"it lies completely inside the image, so each convolution loses one pixel on every side "
            f"(150 → 148), and each 2×2 max pooling halves the size, dropping an odd leftover row "
            f"(15 → 7, not 7.5).\n\n"
            f"- **Valid padding (the real model)**: {_chain(comparison.valid_sizes)}. Flatten gets {last_valid} × "
            f"{last_valid} × {channels} = **{format_count(flatten_valid)}** values, so the first Dense layer has "
            f"{format_count(flatten_valid)} × {units} + {units} = "
            f"**{format_count(comparison.dense_valid)}** parameters.\n"
            f"- **What many tutorials write**: {_chain(comparison.same_sizes)}, then {last_same} × {last_same} × "
            f"{channels} = {format_count(flatten_same)} and {format_count(flatten_same)} × {units} = "
            f"{format_count(flatten_same * units)} weights. Those numbers are right only with "
            f"**same** padding (a border of zeros keeps 150 at 150), which this model does not use; with the bias "
            f"the Dense layer would then have {format_count(comparison.dense_same)} parameters.\n\n"
            f"The whole classic model has **{format_count(self.total_parameters)}** parameters; "
            f"{share_percent(comparison.dense_valid / self.total_parameters)} of them are in that one Dense layer."
        )

    @property
    def check_sentence(self) -> str:
        """Whether the arithmetic above is the real model's."""
        if self.matches:
            return "Checked: the valid-padding sizes above are the real Keras model's output shapes."
        return "The real Keras model's shapes differ from this arithmetic: " + _chain(self.keras_sizes)


def padding_lesson(classic_table: ModelTable, comparison: PaddingComparison | None = None) -> PaddingLesson:
    """The lesson for the classic model's table (its default comparison unless one is given)."""
    if classic_table.total_parameters <= 0:
        raise ValueError(f"{classic_table.model_name} has no parameters to compare.")
    comparison = comparison or padding_comparison()
    keras_sizes = (classic_table.input_shape[0],) + tuple(
        row.output_shape[0] for row in classic_table.rows if row.layer_type in SIZE_CHANGING)
    return PaddingLesson(comparison, keras_sizes, classic_table.total_parameters)
