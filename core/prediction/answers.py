"""From a decoded photo to a prediction a learner can read."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

#: Below this top-class probability the app says "not sure" instead of a class.
UNSURE_BELOW = 0.65

SINGULAR = {"cats": "cat", "dogs": "dog"}


def singular(class_name: str) -> str:
    """'cats' -> 'cat' for sentences; other names unchanged."""
    return SINGULAR.get(class_name, class_name)


@dataclass(frozen=True)
class Prediction:
    """One photo's result: the probability of every class, in output order."""

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

    def headline(self) -> str:
        """'dog (97% sure)' or 'not sure: 55% dog, 45% cat'."""
        if self.unsure:
            ranked = sorted(zip(self.probabilities, self.class_names), reverse=True)
            parts = ", ".join(f"{p:.0%} {singular(name)}" for p, name in ranked)
            return f"not sure: {parts}"
        return f"{singular(self.label)} ({self.confidence:.0%} sure)"


def format_probability(probability: float) -> str:
    """'97.3%', but 'over 99.9%' rather than a rounded '100.0%': a network is never certain."""
    if probability >= 0.9995:
        return "over 99.9%"
    if 0 < probability < 0.0005:
        return "under 0.1%"
    return f"{probability:.1%}"


def predictions_from_probabilities(probabilities: np.ndarray, class_names: tuple[str, ...]) -> list[Prediction]:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[1] != len(class_names):
        raise ValueError(f"Expected (N, {len(class_names)}) probabilities, got shape {probabilities.shape}.")
    return [Prediction(tuple(class_names), tuple(float(p) for p in row)) for row in probabilities]


def results_csv(names: list[str], predictions: list[Prediction]) -> str:
    """A CSV table: file, predicted class, its probability and every class's probability."""
    if len(names) != len(predictions):
        raise ValueError("Each prediction needs a file name.")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    class_names = predictions[0].class_names if predictions else ()
    writer.writerow(["file", "prediction", "probability", "unsure", *[f"p_{name}" for name in class_names]])
    for name, prediction in zip(names, predictions):
        writer.writerow([name, prediction.label, f"{prediction.confidence:.4f}", prediction.unsure,
                         *[f"{p:.4f}" for p in prediction.probabilities]])
    return buffer.getvalue()
