"""How a live-trained network does on the photos held out from its training."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.models.predict import predict_probabilities
from core.prediction.answers import format_probability
from core.training.live_data import ImageSet
from core.training.metrics import BinaryMetrics, binary_metrics
from core.training.readings import format_share


@dataclass(frozen=True)
class LiveEvaluation:
    """How the trained model does on the held-out photos."""

    accuracy: float
    confusion_matrix: np.ndarray  # (C, C) counts, rows: true class
    probabilities: np.ndarray  # (N, C)
    labels: np.ndarray  # (N,)
    class_names: tuple[str, ...]
    binary: BinaryMetrics | None = None  # two classes only

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def wrong_indices(self) -> np.ndarray:
        return np.flatnonzero(self.predicted != self.labels)

    @property
    def has_both_classes(self) -> bool:
        """Two classes and both among the held-out photos: a ROC curve can be drawn."""
        return len(self.class_names) == 2 and len(set(self.labels.tolist())) == 2

    def as_dict(self) -> dict:
        result = {"accuracy": self.accuracy, "confusion_matrix": self.confusion_matrix.tolist(),
                  "class_names": list(self.class_names), "count": int(len(self.labels))}
        if self.binary is not None:
            result.update({key: value for key, value in self.binary.as_dict().items() if key != "confusion_matrix"})
        return result

    def sentence(self, counts: dict[str, int]) -> str:
        """'Accuracy **85%** on 20 held-out photos (10 cats, 10 dogs), which were never used ...'."""
        listing = ", ".join(f"{count} {name}" for name, count in counts.items())
        return (f"Accuracy **{format_share(self.accuracy)}** on {len(self.labels)} held-out photos ({listing}), "
                "which were never used to change the weights.")


@dataclass(frozen=True)
class HeldOutMistake:
    """One held-out photo the network got wrong, with the caption that says how."""

    pixels: np.ndarray  # the photo as the network saw it
    true_class: str
    predicted_class: str
    confidence: float  # the probability of its (wrong) answer

    @property
    def caption(self) -> str:
        return f"really {self.true_class}, said {self.predicted_class} ({format_probability(self.confidence)})"


def held_out_mistakes(evaluation: LiveEvaluation, holdout: ImageSet, limit: int | None = None) -> list[HeldOutMistake]:
    """The held-out photos the network got wrong, in the held-out order (at most ``limit``)."""
    if len(holdout) != len(evaluation.labels):
        raise ValueError(f"{len(holdout)} held-out photos but {len(evaluation.labels)} evaluated.")
    wrong = evaluation.wrong_indices if limit is None else evaluation.wrong_indices[:limit]
    return [HeldOutMistake(holdout.images[index], evaluation.class_names[evaluation.labels[index]],
                           evaluation.class_names[evaluation.predicted[index]],
                           float(evaluation.probabilities[index].max()))
            for index in wrong]


def evaluate_live(model: keras.Model, data: ImageSet) -> LiveEvaluation:
    """Accuracy and confusion matrix (plus precision/recall/F1/ROC AUC for two classes)."""
    if len(data) == 0:
        raise ValueError("There are no held-out photos to evaluate on.")
    return evaluation_from_probabilities(predict_probabilities(model, data.images), data.labels, data.class_names)


def evaluation_from_probabilities(probabilities: np.ndarray, labels: np.ndarray,
                                  class_names: tuple[str, ...]) -> LiveEvaluation:
    """The evaluation of (N, C) class probabilities against the true labels."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels)
    if len(labels) == 0:
        raise ValueError("There are no held-out photos to evaluate on.")
    if probabilities.shape != (len(labels), len(class_names)):
        raise ValueError(f"Expected probabilities of shape {(len(labels), len(class_names))}, "
                         f"got {probabilities.shape}.")
    num_classes = len(class_names)
    predicted = probabilities.argmax(axis=1)
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    binary = binary_metrics(labels, probabilities[:, 1]) if num_classes == 2 else None
    return LiveEvaluation(float((predicted == labels).mean()), matrix, probabilities, labels.copy(),
                          tuple(class_names), binary)
