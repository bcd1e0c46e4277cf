"""One convolution layer's filters next to a freshly initialised copy, and the sentences that compare them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.arithmetic.numbers import format_count
from core.explain.filters import LayerFilters, summarise

#: The title of the untrained side of every comparison.
FRESH_TITLE = "freshly initialised (untrained)"


@dataclass(frozen=True, eq=False)
class FilterComparison:
    """The filters a layer has now (``learned``) and the ones Keras would start it with (``fresh``)."""

    learned: LayerFilters
    fresh: LayerFilters
    trained: bool  # False when the model itself is untrained

    def __post_init__(self) -> None:
        if self.learned.kernel.shape != self.fresh.kernel.shape:
            raise ValueError(f"Cannot compare filters of shape {self.learned.kernel.shape} with "
                             f"{self.fresh.kernel.shape}.")

    @property
    def layer(self) -> str:
        return self.learned.layer

    @property
    def learned_title(self) -> str:
        return "trained" if self.trained else "this model (untrained)"

    @property
    def sides(self) -> tuple[tuple[LayerFilters, str], tuple[LayerFilters, str]]:
        """(filters, title) for the model's own filters, then the fresh ones."""
        return (self.learned, self.learned_title), (self.fresh, FRESH_TITLE)

    @property
    def in_colour(self) -> bool:
        """True when the filters look at red, green and blue, so each can be drawn as a colour."""
        return self.learned.input_channels == 3

    @property
    def weight_limit(self) -> float:
        """The largest weight, in size, on either side: one colour scale for both grids."""
        return float(max(np.abs(self.learned.kernel).max(), np.abs(self.fresh.kernel).max()))

    @property
    def size_text(self) -> str:
        """'**conv1**: 32 filters of 3×3×3 weights + 1 bias each = 896 numbers.' (markdown)."""
        learned = self.learned
        kernel_height, kernel_width = learned.kernel_size
        shape = f"**{self.layer}**: {learned.filter_count} filters of {kernel_height}×{kernel_width}×" \
                f"{learned.input_channels} weights"
        if learned.bias is None:
            return f"{shape} (no bias) = {format_count(learned.kernel.size)} numbers."
        return f"{shape} + 1 bias each = {format_count(learned.kernel.size + learned.filter_count)} numbers."

    @property
    def introduction(self) -> str:
        """What a filter is, with this layer's real kernel size, and where its numbers came from (markdown)."""
        learned = self.learned
        height, width = learned.kernel_size
        channels = learned.input_channels
        text = (f"A **filter** (or kernel) is a small block of numbers: here {height}×{width} positions, with one "
                f"number for every input channel at each position ({height}×{width}×{channels} = "
                f"{format_count(height * width * channels)} numbers per filter in **{self.layer}**). The layer "
                "slides each filter over its input; at every position it multiplies the numbers underneath by the "
                "filter's numbers and adds them all up")
        if height * width == 1:
            text += " (a 1×1 filter sees one position at a time: it only mixes the channels there)"
        text += ", then adds the filter's **bias**." if learned.bias is not None else \
            ". This layer has no bias: the batch normalisation after it adds the shift."
        if not self.trained:
            return text + " This model is untrained: these are still its random starting weights."
        if learned.frozen:
            return (text + " These weights are frozen: they were learned before (the base's training on ImageNet) "
                    "and training on cats and dogs did not change them.")
        if learned.fine_tuned:
            return (text + " These numbers started as the base's ImageNet weights; **fine-tuning** on cats and dogs "
                    "then adjusted them with a small learning rate. (The untrained grid shows random numbers like "
                    "the ones ImageNet's training began from, not where fine-tuning began.)")
        start = ("before training, the weights were small random numbers and every bias was exactly 0"
                 if learned.bias is not None and not np.any(self.fresh.bias) else
                 "before training, the weights were small random numbers")
        return text + f" Training chose these numbers; {start}."

    @property
    def summary_text(self) -> str:
        """How far training moved the biases and weights from where Keras starts them."""
        if self.learned.bias is None:
            return "This layer has no bias: a batch-normalisation layer right after it adds the offset."
        learned, fresh = summarise(self.learned), summarise(self.fresh)
        return (
            f"Keras starts every bias at exactly 0 (untrained: {fresh.bias_nonzero} of "
            f"{self.fresh.filter_count} are non-zero). This model: {learned.bias_nonzero} non-zero, "
            f"mean {learned.bias_mean:+.4f}. Weights: trained range "
            f"{learned.weight_min:+.3f}…{learned.weight_max:+.3f}, untrained "
            f"{fresh.weight_min:+.3f}…{fresh.weight_max:+.3f}."
        )
