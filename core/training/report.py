"""Comparing shipped models and explaining their test results in sentences."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.arithmetic.numbers import count_text, format_count
from core.prediction.answers import singular
from core.prediction.honest import model_gives
from core.training.history import TrainingHistory
from core.wording.percent import share_percent

#: The curves the comparison chart can draw, with their names on screen.
COMPARE_METRICS = {
    "val_accuracy": "validation accuracy",
    "val_loss": "validation loss",
    "accuracy": "training accuracy",
    "loss": "training loss",
}

#: Comparison-table columns that hold shares (0..1); the table shows them as percentages.
PERCENT_COLUMNS = ("test accuracy", "precision", "recall", "F1")

#: Wrong photos are shown in whole rows of this many (as ui.components.gallery lays them out).
PHOTOS_PER_ROW = 6

#: At most this many wrong photos on the page, and this many before a slider offers more.
MOST_WRONG_PHOTOS = 60
FIRST_WRONG_PHOTOS = 12


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

    @staticmethod
    def columns() -> tuple[str, ...]:
        """The table's column names, in order."""
        return ("model", "parameters", "epochs", "training time", "test accuracy", "precision", "recall", "F1",
                "ROC AUC")

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


def comparison_table(rows: Sequence[ComparisonRow]) -> pd.DataFrame:
    """One line per model, the shares as percentages (80.0 for 0.8) so the table can print '80.0%'."""
    table = pd.DataFrame([row.as_dict() for row in rows], columns=list(ComparisonRow.columns()))
    shares = list(PERCENT_COLUMNS)
    table[shares] = table[shares].astype(float) * 100
    return table


def machines_sentence(rows: Sequence[ComparisonRow]) -> str:
    """Where each model was trained, grouped by machine (a sentence below the table, whose width it would overflow)."""
    by_machine: dict[str, list[str]] = {}
    for row in rows:
        by_machine.setdefault(row.machine or "an unknown machine", []).append(row.name)
    if not by_machine:
        return ""
    parts = [f"{', '.join(names)} on {machine}" for machine, names in by_machine.items()]
    return "Trained: " + "; ".join(parts) + "."


def describe_card(card: Mapping[str, object]) -> str:
    """A model card in one line: '1,234 parameters · 12 epochs of 20 asked · batch 32 · ...'."""
    parts = []
    if isinstance(card.get("parameters"), int):
        parts.append(f"{format_count(card['parameters'])} parameters")
    if card.get("epochs_run"):
        requested = card.get("epochs_requested")
        parts.append(f"{card['epochs_run']} epochs" + (f" of {requested} asked" if requested else ""))
    if card.get("batch_size"):
        parts.append(f"batch {card['batch_size']}")
    if card.get("augmentation"):
        parts.append(f"augmentation: {card['augmentation']}")
    if isinstance(card.get("training_seconds"), (int, float)):
        parts.append(f"{format_duration(card['training_seconds'])} on {card.get('machine', 'unknown machine')}")
    return " · ".join(parts)


def format_seconds(seconds: float | None) -> str:
    """A running clock: '…' while unknown, '0 s' under half a second, else like :func:`format_duration`."""
    return "…" if seconds is None else format_duration(seconds) or "0 s"


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
    if summary.total == 0:
        accuracy = f"**Accuracy**: there are no {photos} to measure it on."
    else:
        accuracy = (f"**Accuracy {share_percent(summary.correct / summary.total, 1)}**: {summary.correct:,} of the "
                    f"{summary.total:,} {photos} got the right answer.")
    if called_positive == 0:
        precision_text = (f"**Precision: none to measure**: the model never answered {positive} for any of the "
                          f"{summary.total:,} {photos}, so there is no {positive} answer of its to check. "
                          f"A model that never says {positive} is not trustworthy about {positive}: it cannot "
                          "find them.")
    else:
        precision = true_positive / called_positive
        # One photo takes the singular: "1 really was dog (the other 1 was cat)", never "1 really were".
        others = (f" (the other {count_text(false_positive, 'was', 'were')} "
                  f"{singular(negative) if false_positive == 1 else negative})" if false_positive else "")
        precision_text = (f"**Precision {share_percent(precision, 1)}**: of the {count_text(called_positive, 'photo')} "
                          f"the model called {positive}, {count_text(true_positive, 'really was', 'really were')} "
                          f"{singular(positive) if true_positive == 1 else positive}{others}: when it says "
                          f"{positive}, you can trust it this often.")
    if real_positive == 0:
        recall_text = (f"**Recall: none to measure**: there are no real {positive} among the {photos}, so there "
                       f"is nothing for the model to find.")
    else:
        recall = true_positive / real_positive
        recall_text = (f"**Recall {share_percent(recall, 1)}**: of the "
                       f"{count_text(real_positive, 'real ' + singular(positive), 'real ' + positive)} among the "
                       f"{photos}, the model found {true_positive:,} and missed {false_negative:,}.")
    if called_positive == 0 or real_positive == 0:
        f1_text = ("**F1: none to measure**: F1 combines precision and recall, and one of them has nothing to "
                   "measure here.")
    else:
        precision, recall = true_positive / called_positive, true_positive / real_positive
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1_text = (f"**F1 {share_percent(f1, 1)}**: the harmonic mean of precision and recall, one number that is "
                   "high only when both are high.")
    return MetricSentences(accuracy=accuracy, precision=precision_text, recall=recall_text, f1=f1_text)


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

    @property
    def caption(self) -> str:
        """'Really a cat. The model gives it 70% dog.': what it computed, never "70% sure"."""
        return f"Really a {singular(self.true_class)}. {model_gives(self.confidence, self.predicted_class)}"


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


def wrong_photos_note(found: int, listed: int, test_folder: str | Path) -> str:
    """What the gallery of mistakes shows: ``found`` on this machine of the ``listed`` in metrics.json."""
    if found:
        return f"{found} mistakes on this machine's test photos, the most confident first."
    if listed:
        return (f"The model got {listed} test photos wrong, but the test photos are not on this machine "
                f"(looked in {test_folder}).")
    return "No mistakes are listed in metrics.json."


def wrong_photo_slider_max(found: int) -> int | None:
    """The most photos the 'How many to show' slider offers (whole rows), or None when all fit at once."""
    if found <= FIRST_WRONG_PHOTOS:
        return None
    whole_rows = -(-found // PHOTOS_PER_ROW) * PHOTOS_PER_ROW
    return min(MOST_WRONG_PHOTOS, whole_rows)


def roc_auc_sentence(auc: float) -> str:
    return (f"ROC AUC on the whole test set (metrics.json): {auc:.3f}. 1.0 means every dog scored above every "
            "cat; 0.5 is guessing.")


def roc_threshold_sentence(positive_class: str) -> str:
    return (f"Each point is one threshold: a photo is called {positive_class} when its probability is above it. "
            "Lowering the threshold finds more of them but raises more false alarms.")


#: Test photos scored for a ROC curve: at least this many, by default at most this many.
ROC_FEWEST_PHOTOS = 20
ROC_DEFAULT_PHOTOS = 200


def roc_photo_choices(test_photos: int) -> tuple[int, int, int]:
    """(fewest, most, default) test photos to score, for ``test_photos`` in the test set (0: unknown)."""
    most = max(test_photos or 1000, ROC_FEWEST_PHOTOS)
    return ROC_FEWEST_PHOTOS, most, min(ROC_DEFAULT_PHOTOS, most)
