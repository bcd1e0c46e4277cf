"""The one shape every explanation technique has: ``explain(model, pixels, class_index=None, **settings) -> HeatMap``.

A technique module (:mod:`core.explain.gradcam`, :mod:`core.explain.saliency`,
:mod:`core.explain.occlusion`) names itself in ``NAME`` and offers ``explain``.
Like captum's ``attribute(inputs, target)`` and tf-keras-vis's score objects,
the class is a target (default: the predicted class) and the number being
explained is :func:`core.explain.scores.class_score`. The result carries its
own caption, worked out from its numbers, so a view and a screen reader both
get a sentence that says where the map is strongest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import keras
import numpy as np

from core.prediction.answers import singular
from core.wording.percent import share_percent

#: The share of all heat that "where it looked" covers: half of it.
FOCUS_SHARE = 0.5


@dataclass(frozen=True)
class HeatMap:
    """One technique's answer to "which parts of the photo mattered for this class?"."""

    technique: str  # "Grad-CAM", "Saliency", "Occlusion"
    class_index: int  # the class explained
    values: np.ndarray  # (h, w) in 0..1: 1 = mattered most, all zero when nothing did
    caption: str  # what the map shows, from its numbers
    score: float  # the class score explained (core.explain.scores.class_score) for the unchanged photo
    probability: float  # the model's probability for that class (uncalibrated, temperature 1)
    predicted_class: int
    details: Mapping[str, object] = field(default_factory=dict)  # a technique's own numbers (layer, runs, …)

    @property
    def is_empty(self) -> bool:
        return not np.any(self.values > 0)

    def place(self) -> str:
        """Where the heat's centre lies, in words: 'top left', 'middle'; 'nowhere' for an empty map."""
        return heat_place(self.values)

    def focus_share(self) -> float:
        """The share of the photo's area that holds half of all the heat (small: a focused look)."""
        return hot_share(self.values)


class Technique(Protocol):
    """What a technique module's ``explain`` looks like."""

    def __call__(self, model: keras.Model, pixels: np.ndarray, class_index: int | None = None,
                 **settings) -> HeatMap: ...


def heat_place(values: np.ndarray) -> str:
    """Where the heat's centre of mass lies: 'top left', 'middle', 'bottom right', ...; 'nowhere' for an empty map."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"Expected a 2-D heat map, got shape {values.shape}.")
    total = float(values.sum())
    if total <= 0:
        return "nowhere"
    rows, cols = np.indices(values.shape)
    row = float((rows * values).sum() / total) / max(values.shape[0] - 1, 1)
    col = float((cols * values).sum() / total) / max(values.shape[1] - 1, 1)
    vertical = "top" if row < 1 / 3 else "bottom" if row > 2 / 3 else ""
    horizontal = "left" if col < 1 / 3 else "right" if col > 2 / 3 else ""
    return " ".join(part for part in (vertical, horizontal) if part) or "middle"


def hot_share(values: np.ndarray) -> float:
    """The fraction of the area that holds FOCUS_SHARE of all the heat (small: a focused look)."""
    ordered = np.sort(np.asarray(values, dtype=np.float64).ravel())[::-1]
    total = ordered.sum()
    if total <= 0:
        return 0.0
    needed = int(np.searchsorted(np.cumsum(ordered), FOCUS_SHARE * total)) + 1
    return needed / ordered.size


def where_sentence(technique: str, class_name: str, values: np.ndarray) -> str:
    """'Grad-CAM for dog: the heat sits at the top left; half of it lies on 12% of the area.' (caption and alt text)."""
    place = heat_place(values)
    if place == "nowhere":
        return f"{technique} for {class_name}: nothing in the photo speaks for this class, so the map is empty."
    return (f"{technique} for {class_name}: the heat sits at the {place} of the photo; half of it lies on "
            f"{share_percent(hot_share(values))} of the area.")


def class_label(class_names: Sequence[str] | None, class_index: int) -> str:
    """The class's name for a caption ('dog'), or 'class 2' when the caller gave no names (counted from 1)."""
    if class_names and 0 <= class_index < len(class_names):
        return singular(class_names[class_index])
    return f"class {class_index + 1}"


def chosen_class(probabilities: np.ndarray, class_index: int | None) -> tuple[int, int]:
    """(the predicted class, the class to explain: ``class_index`` or else the predicted one)."""
    predicted = int(np.argmax(probabilities))
    chosen = predicted if class_index is None else int(class_index)
    if not 0 <= chosen < len(probabilities):
        raise ValueError(f"Class {chosen} does not exist; the model has {len(probabilities)} classes.")
    return predicted, chosen
