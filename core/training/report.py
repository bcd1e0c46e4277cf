"""Comparing shipped models and explaining their test results in sentences."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.training.history import TrainingHistory


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(float(value)) else None


@dataclass(frozen=True)
class ComparisonRow:
    """One model's line in the comparison table (None where unknown)."""

    name: str
    title: str
    parameters: int | None
    epochs: int | None
    training_seconds: float | None
    test_accuracy: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    roc_auc: float | None
    machine: str = ""

    def as_dict(self) -> dict:
        return {
            "model": self.title,
            "parameters": self.parameters,
            "epochs": self.epochs,
            "training time": format_duration(self.training_seconds),
            "test accuracy": self.test_accuracy,
            "precision": self.precision,
            "recall": self.recall,
            "F1": self.f1,
            "ROC AUC": self.roc_auc,
            "trained on": self.machine,
        }


def comparison_row(name: str, title: str, card: Mapping[str, object], metrics: Mapping[str, object],
                   history: TrainingHistory | None = None) -> ComparisonRow:
    """Gather one model's numbers from its card, metrics and history."""
    parameters = _number(card.get("parameters"))
    epochs = _number(card.get("epochs_run"))
    if epochs is None and history is not None:
        epochs = float(history.epochs)
    seconds = _number(card.get("training_seconds"))
    if seconds is None and history is not None:
        seconds = history.total_seconds
    accuracy = _number(metrics.get("accuracy"))
    if accuracy is None:
        accuracy = _number(card.get("test_accuracy"))
    return ComparisonRow(
        name=name,
        title=title,
        parameters=None if parameters is None else int(parameters),
        epochs=None if epochs is None else int(epochs),
        training_seconds=seconds,
        test_accuracy=accuracy,
        precision=_number(metrics.get("precision")),
        recall=_number(metrics.get("recall")),
        f1=_number(metrics.get("f1")),
        roc_auc=_number(metrics.get("roc_auc")),
        machine=str(card.get("machine", "")),
    )


def format_duration(seconds: float | None) -> str:
    """12 s, 3 min 05 s, 1 h 02 min; an empty string when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@dataclass(frozen=True)
class ConfusionSummary:
    """A confusion matrix (rows: true class, columns: predicted class)."""

    class_names: tuple[str, ...]
    counts: np.ndarray  # (C, C) int
    normalised: np.ndarray  # (C, C) float, each row sums to 1 (0 for an empty row)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.counts))


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its sum: the share of each true class given each answer."""
    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)


def confusion_summary(metrics: Mapping[str, object]) -> ConfusionSummary:
    """The confusion matrix stored in metrics.json, checked and normalised."""
    matrix = metrics.get("confusion_matrix")
    if matrix is None:
        raise ValueError("These metrics have no confusion matrix.")
    counts = np.asarray(matrix, dtype=np.int64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] < 2:
        raise ValueError(f"A confusion matrix must be square with at least 2 classes, got shape {counts.shape}.")
    if (counts < 0).any():
        raise ValueError("A confusion matrix cannot hold negative counts.")
    names = metrics.get("class_names") or [f"class {index}" for index in range(counts.shape[0])]
    names = tuple(str(name) for name in names)
    if len(names) != counts.shape[0]:
        raise ValueError(f"{len(names)} class names for a {counts.shape[0]}-class confusion matrix.")
    return ConfusionSummary(names, counts, normalise_rows(counts))


@dataclass(frozen=True)
class MetricSentences:
    """One sentence each, with this model's own numbers."""

    accuracy: str
    precision: str
    recall: str
    f1: str


def metric_sentences(metrics: Mapping[str, object], photos: str = "test photos") -> MetricSentences:
    """Explain accuracy, precision, recall and F1 for a two-class model's results on ``photos``.

    Class index 1 (the second class, "dogs") is the positive class, as in
    ``core.training.metrics.binary_metrics``.
    """
    summary = confusion_summary(metrics)
    if len(summary.class_names) != 2:
        raise ValueError("Precision and recall are explained here for two-class models only.")
    negative, positive = summary.class_names
    (true_negative, false_positive), (false_negative, true_positive) = summary.counts.tolist()
    called_positive = true_positive + false_positive
    real_positive = true_positive + false_negative
    accuracy = summary.correct / summary.total if summary.total else 0.0
    precision = true_positive / called_positive if called_positive else 0.0
    recall = true_positive / real_positive if real_positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return MetricSentences(
        accuracy=(f"**Accuracy {accuracy:.1%}**: {summary.correct:,} of the {summary.total:,} {photos} "
                  "got the right answer."),
        precision=(f"**Precision {precision:.1%}**: of the {called_positive:,} photos the model called "
                   f"{positive}, {true_positive:,} really were {positive} (the other {false_positive:,} were "
                   f"{negative}): when it says {positive}, you can trust it this often."),
        recall=(f"**Recall {recall:.1%}**: of the {real_positive:,} real {positive} among the {photos}, the model "
                f"found {true_positive:,} and missed {false_negative:,}."),
        f1=(f"**F1 {f1:.1%}**: the harmonic mean of precision and recall, one number that is high only when "
            "both are high."),
    )


@dataclass(frozen=True)
class WrongPhoto:
    """A test photo the model got wrong, found on this machine."""

    path: Path
    file: str  # relative to the test folder, e.g. "cats/cat_00123.jpg"
    true_class: str
    predicted_class: str
    probabilities: tuple[float, ...]

    @property
    def confidence(self) -> float:
        """How sure the model was of its wrong answer."""
        return max(self.probabilities) if self.probabilities else float("nan")


def wrong_photos(metrics: Mapping[str, object], test_folder: str | Path | None) -> list[WrongPhoto]:
    """The misclassified test photos that exist under ``test_folder``, most confident mistakes first."""
    if test_folder is None:
        return []
    folder = Path(test_folder).resolve()
    if not folder.is_dir():
        return []
    found = []
    for entry in metrics.get("wrong") or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("file"), str):
            continue
        path = (folder / entry["file"]).resolve()
        # Only files inside the test folder: metrics.json must not point elsewhere.
        if folder not in path.parents or not path.is_file():
            continue
        probabilities = tuple(float(p) for p in entry.get("probabilities") or ())
        found.append(WrongPhoto(path, entry["file"], str(entry.get("true", "?")),
                                str(entry.get("predicted", "?")), probabilities))
    return sorted(found, key=lambda photo: -photo.confidence if math.isfinite(photo.confidence) else 0.0)
