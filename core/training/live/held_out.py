"""How a live-trained network does on the photos held out from its training."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.arithmetic.numbers import count_text
from core.data.image_set import ImageSet
from core.models.inference import predict_probabilities
from core.training.history import TrainingHistory
from core.training.metrics import BinaryMetrics, binary_metrics
from core.training.readings import Reading, accuracy_reading, loss_reading
from core.wording.percent import probability_percent, share_percent

#: Below this many held-out photos nothing is said about how well the model does on new photos, nor about
#: overfitting. One photo then moves held-out accuracy by more than 5 percentage points, and chance alone spreads
#: it by about ±1/√n (±22 points at 20 photos, 95% of the time): wider than the 8-point gap between training and
#: validation accuracy that the readings call overfitting. From 20 on the readings are given, with the counts,
#: so that nobody takes 85% of 20 photos for more than it is.
MIN_HELD_OUT_TO_TELL = 20


def one_photo_points(held_out: int) -> str:
    """How many percentage points one of ``held_out`` photos is worth: 2 -> '50', 6 -> '16.7'."""
    return f"{100 / held_out:.3g}"


def curve_readings(history: TrainingHistory, class_count: int, kept_epoch: int | None,
                   held_out: int) -> tuple[Reading, ...]:
    """The accuracy and loss readings, or one plain "too few to tell" when the held-out photos are too few."""
    if held_out < MIN_HELD_OUT_TO_TELL:
        return (Reading("too_few_held_out", (
            f"{count_text(held_out, 'held-out photo')} {'is' if held_out == 1 else 'are'} too few to read these "
            f"curves: one photo moves validation accuracy by {one_photo_points(held_out)} percentage points, so a "
            "gap between the training and validation curves says nothing about overfitting. Hold out at least "
            f"{MIN_HELD_OUT_TO_TELL} photos (more photos per class, or a larger share held out) to read them.")),)
    return (accuracy_reading(history, class_count, kept_epoch), loss_reading(history, kept_epoch))


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

    @property
    def right(self) -> int:
        """How many held-out photos it got right."""
        return int((self.predicted == self.labels).sum())

    def sentence(self, counts: dict[str, int]) -> str:
        """'Accuracy **85%**: it got 17 of the 20 held-out photos right (cats: 10, dogs: 10), ...'; counts alone
        below :data:`MIN_HELD_OUT_TO_TELL` photos, with why no percentage is given."""
        listing = ", ".join(f"{name}: {count}" for name, count in counts.items())
        total = len(self.labels)
        counted = f"{self.right} of the {count_text(total, 'held-out photo')}"
        never = "photos never used to change the weights."
        if total < MIN_HELD_OUT_TO_TELL:
            return (f"It got **{counted}** right ({listing}), {never} That is too few to tell how well it does on "
                    f"new photos: each one moves the accuracy by {one_photo_points(total)} percentage points.")
        accuracy = share_percent(self.accuracy, decimals=None)
        return f"Accuracy **{accuracy}**: it got {counted} right ({listing}), {never}"


@dataclass(frozen=True)
class HeldOutMistake:
    """One held-out photo the network got wrong, with the caption that says how."""

    pixels: np.ndarray  # the photo as the network saw it
    true_class: str
    predicted_class: str
    confidence: float  # the probability of its (wrong) answer

    @property
    def caption(self) -> str:
        return f"really {self.true_class}, said {self.predicted_class} ({probability_percent(self.confidence, 1)})"


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
