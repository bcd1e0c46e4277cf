"""From a decoded photo to a prediction a learner can read."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.arithmetic.numbers import TIMES, format_count

if TYPE_CHECKING:  # only for the type: the figures import this module and need no Keras
    from core.models.registry import ModelInfo

#: Below this top-class probability the app says "not sure" instead of a class.
UNSURE_BELOW = 0.65

SINGULAR = {"cats": "cat", "dogs": "dog"}

#: What the results table says instead of a class when the model is not sure.
NOT_SURE = "not sure"


def singular(class_name: str) -> str:
    """'cats' -> 'cat' for sentences; other names unchanged."""
    return SINGULAR.get(class_name, class_name)


def format_probability(probability: float) -> str:
    """'97.3%', but 'over 99.9%' rather than a rounded '100.0%': a network is never certain."""
    if probability >= 0.9995:
        return "over 99.9%"
    if probability < 0.0005:  # also an exact 0.0: float32 rounds a tiny probability to zero, not the model
        return "under 0.1%"
    return f"{probability:.1%}"


@dataclass(frozen=True)
class Prediction:
    """One photo's result: the probability of every class, in output order, and how to say it."""

    class_names: tuple[str, ...]
    probabilities: tuple[float, ...]

    @property
    def index(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def label(self) -> str:
        return self.class_names[self.index]

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.index])

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW

    @property
    def chosen(self) -> int | None:
        """The class to highlight: the answer, or none when the model is not sure."""
        return None if self.unsure else self.index

    @property
    def answer(self) -> str:
        """'cat', or 'not sure': one cell of the results table."""
        return NOT_SURE if self.unsure else singular(self.label)

    def headline(self) -> str:
        """'dog (97% sure)' or 'not sure: 55% dog, 45% cat'."""
        if self.unsure:
            ranked = sorted(zip(self.probabilities, self.class_names), reverse=True)
            parts = ", ".join(f"{p:.0%} {singular(name)}" for p, name in ranked)
            return f"not sure: {parts}"
        return f"{singular(self.label)} ({self.confidence:.0%} sure)"

    @property
    def verdict(self) -> str:
        """The heading (Markdown): "It's a **cat**" or "🤔 Not sure"."""
        if self.unsure:
            return "🤔 Not sure"
        return f"It's a **{singular(self.label)}**"

    @property
    def explanation(self) -> str:
        """The sentence under the verdict: how sure, or how close the call was."""
        if self.unsure:
            return self.headline().capitalize() + ". The network is close to a coin toss on this photo."
        return f"{format_probability(self.confidence).capitalize()} sure."


def predictions_from_probabilities(probabilities: np.ndarray, class_names: Sequence[str]) -> list[Prediction]:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[1] != len(class_names):
        raise ValueError(f"Expected (N, {len(class_names)}) probabilities, got shape {probabilities.shape}.")
    return [Prediction(tuple(class_names), tuple(float(p) for p in row)) for row in probabilities]


def results_csv(names: list[str], predictions: list[Prediction]) -> str:
    """A CSV table: file, predicted class, its probability and every class's probability."""
    if len(names) != len(predictions):
        raise ValueError(f"Each prediction needs a file name: {len(names)} names, {len(predictions)} predictions.")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    class_names = predictions[0].class_names if predictions else ()
    writer.writerow(["file", "prediction", "probability", "unsure", *[f"p_{name}" for name in class_names]])
    for name, prediction in zip(names, predictions):
        writer.writerow([name, prediction.label, f"{prediction.confidence:.4f}", prediction.unsure,
                         *[f"{p:.4f}" for p in prediction.probabilities]])
    return buffer.getvalue()


def known_classes_note(class_names: Sequence[str]) -> str:
    """Why every photo gets one of the classes, and when the app says 'not sure' (Markdown)."""
    return (
        f"The model only knows **{' and '.join(class_names)}**. A photo of a car or a cup still gets one of "
        "these answers, because the probabilities always add up to 100%. "
        f"Below {UNSURE_BELOW:.0%} for the top class we say *not sure*."
    )


def model_card_text(info: ModelInfo) -> str:
    """The model's card in two short paragraphs (Markdown): input, size, classes, training data."""
    card = info.card
    height, width = info.input_size
    return (
        f"**{info.title}** · input {height}{TIMES}{width} RGB · "
        f"{format_count(card.get('parameters', 0))} parameters · classes: {', '.join(info.class_names)}\n\n"
        f"Trained on: {card.get('dataset', 'unknown')}. {card.get('dataset_licence', '')}"
    )
