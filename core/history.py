"""Reading finished trainings: per-epoch histories, test metrics and what they say.

A shipped model folder holds ``history.json`` (one list per quantity, one
value per epoch), ``model.json`` (the card) and ``metrics.json`` (test-set
numbers). This module turns them into frozen values and into short readings
computed from the numbers ("validation loss has risen for 6 epochs since
epoch 14: ..."), so the page never hard-codes a claim about a chart.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The quantities a history may hold, in the order tables show them.
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy", "seconds", "learning_rate")


# ----------------------------------------------------------------------------
# Histories
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingHistory:
    """One value per epoch for each quantity Keras logged (empty when not logged)."""

    loss: tuple[float, ...]
    accuracy: tuple[float, ...] = ()
    val_loss: tuple[float, ...] = ()
    val_accuracy: tuple[float, ...] = ()
    seconds: tuple[float, ...] = ()
    learning_rate: tuple[float, ...] = ()

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def epoch_numbers(self) -> tuple[int, ...]:
        """1, 2, ..., epochs: people count epochs from one."""
        return tuple(range(1, self.epochs + 1))

    @property
    def has_validation(self) -> bool:
        return len(self.val_loss) == self.epochs and self.epochs > 0

    @property
    def total_seconds(self) -> float | None:
        return float(sum(self.seconds)) if self.seconds else None

    def series(self, name: str) -> tuple[float, ...]:
        if name not in HISTORY_KEYS:
            raise ValueError(f"Unknown history quantity {name!r}; choose one of {', '.join(HISTORY_KEYS)}.")
        return getattr(self, name)

    def as_dict(self) -> dict[str, list[float]]:
        return {key: list(getattr(self, key)) for key in HISTORY_KEYS if getattr(self, key)}


def _as_floats(values: object, key: str) -> tuple[float, ...]:
    if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
        raise ValueError(f"history[{key!r}] must be a list of numbers.")
    result = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"history[{key!r}] holds {value!r}, which is not a number.") from None
        result.append(number)
    return tuple(result)


def history_from_dict(raw: Mapping[str, object]) -> TrainingHistory:
    """Validate a Keras-style history dict (unknown keys are ignored)."""
    if "loss" not in raw:
        raise ValueError("The history has no 'loss' values.")
    values = {key: _as_floats(raw[key], key) for key in HISTORY_KEYS if key in raw}
    epochs = len(values["loss"])
    for key, series in values.items():
        if len(series) != epochs:
            raise ValueError(f"history[{key!r}] has {len(series)} values but 'loss' has {epochs}.")
    return TrainingHistory(**values)


def read_history(path: str | Path) -> TrainingHistory:
    """Read a ``history.json`` file."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"{path} does not exist.") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error.msg} at line {error.lineno}).") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path} should hold a JSON object of per-epoch lists.")
    return history_from_dict(raw)


def best_epoch(history: TrainingHistory) -> int | None:
    """The epoch (1-based) with the lowest validation loss, or None without validation."""
    if not history.has_validation:
        return None
    losses = np.asarray(history.val_loss, dtype=np.float64)
    if not np.isfinite(losses).any():
        return None
    return int(np.nanargmin(np.where(np.isfinite(losses), losses, np.nan))) + 1


def accuracy_gap(history: TrainingHistory) -> np.ndarray:
    """Training minus validation accuracy, per epoch (positive: better on seen photos)."""
    if not history.accuracy or len(history.val_accuracy) != history.epochs:
        return np.zeros(0)
    return np.asarray(history.accuracy, dtype=np.float64) - np.asarray(history.val_accuracy, dtype=np.float64)


@dataclass(frozen=True)
class EarlyStop:
    """Where a run ended and which epoch's weights it kept.

    ``stopped_early``: it ran fewer epochs than asked, because validation loss
    stopped improving (or, with ``by_hand``, because someone ended it).
    ``restored_epoch``: the epoch whose weights were kept (the best one:
    ``core.train`` always restores the lowest validation loss).
    """

    last_epoch: int
    restored_epoch: int | None
    stopped_early: bool
    epochs_requested: int | None
    by_hand: bool = False  # someone ended the run before early stopping did

    @property
    def epochs_without_improvement(self) -> int:
        return self.last_epoch - self.restored_epoch if self.restored_epoch else 0


def early_stopping_point(history: TrainingHistory, card: Mapping[str, object] | None = None) -> EarlyStop | None:
    """Read the stopping point from the model card, falling back on the history."""
    if history.epochs == 0:
        return None
    card = card or {}
    restored = card.get("best_epoch")
    restored = int(restored) if isinstance(restored, (int, float)) and 1 <= restored <= history.epochs \
        else best_epoch(history)
    requested = card.get("epochs_requested")
    requested = int(requested) if isinstance(requested, (int, float)) else None
    stopped = card.get("stopped_early")
    if not isinstance(stopped, bool):
        stopped = requested is not None and history.epochs < requested
    return EarlyStop(last_epoch=history.epochs, restored_epoch=restored, stopped_early=stopped,
                     epochs_requested=requested, by_hand=card.get("stopped_by_hand") is True)


# ----------------------------------------------------------------------------
# Readings: one sentence per chart, computed from the numbers
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A verdict about one chart and the sentence that explains it.

    verdict (loss chart): "memorising", "levelled_off", "still_learning";
    (accuracy chart): "overfitting", "close", "validation_higher", "underfitting";
    either: "no_validation", "too_short".
    """

    verdict: str
    sentence: str
    best_epoch: int | None = None
    epochs_since_best: int = 0
    gap: float | None = None  # training minus validation accuracy at the last epoch

    @property
    def is_warning(self) -> bool:
        return self.verdict in ("memorising", "overfitting", "underfitting")


#: Validation loss must rise by this fraction above its best to count as rising.
RISE_FRACTION = 0.05
#: Epochs of rising validation loss before the reading calls it memorising.
RISING_EPOCHS = 2
#: Training minus validation accuracy above which the accuracy reading warns.
GAP_WARNING = 0.08


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def loss_reading(history: TrainingHistory) -> Reading:
    """What the loss curves say: still learning, levelled off, or memorising."""
    if history.epochs < 2:
        return Reading("too_short", "One epoch is too few to see a trend: train for a few more.")
    if not history.has_validation:
        return Reading("no_validation", "There is no validation loss, so overfitting cannot be seen here.")
    best = best_epoch(history)
    if best is None:
        return Reading("no_validation", "The validation loss is not a number (the training diverged).")
    since = history.epochs - best
    lowest = history.val_loss[best - 1]
    last = history.val_loss[-1]
    rise = last - lowest
    training_fell = history.loss[-1] < history.loss[best - 1]
    if since == 0:
        return Reading(
            "still_learning",
            f"Validation loss is still falling at epoch {history.epochs} (its lowest so far, {lowest:.3g}): "
            "the model is still learning, so more epochs could help.",
            best, 0,
        )
    if since >= RISING_EPOCHS and rise > RISE_FRACTION * max(abs(lowest), 1e-3) and training_fell:
        return Reading(
            "memorising",
            f"Validation loss has risen for {_plural(since, 'epoch')} since epoch {best} "
            f"({lowest:.3g} → {last:.3g}) while training loss kept falling: "
            "the model is memorising the training photos.",
            best, since,
        )
    return Reading(
        "levelled_off",
        f"Validation loss was lowest at epoch {best} ({lowest:.3g}) and has not improved for "
        f"{_plural(since, 'epoch')} since: the model has stopped getting better on new photos.",
        best, since,
    )


def accuracy_reading(history: TrainingHistory, num_classes: int = 2) -> Reading:
    """What the accuracy curves say: how far training pulls ahead of validation."""
    if history.epochs < 1 or not history.accuracy:
        return Reading("too_short", "No accuracy was recorded for this training.")
    if len(history.val_accuracy) != history.epochs:
        return Reading("no_validation", "There is no validation accuracy, so overfitting cannot be seen here.")
    training = history.accuracy[-1]
    validation = history.val_accuracy[-1]
    gap = training - validation
    chance = 1.0 / max(num_classes, 2)
    best = best_epoch(history)
    if training < chance + 0.15 and validation < chance + 0.15:
        return Reading(
            "underfitting",
            f"Training accuracy is only {training:.0%} (guessing gives {chance:.0%}): the model has not "
            "learned the task yet; train longer, raise the learning rate or use a bigger model.",
            best, gap=gap,
        )
    if gap > GAP_WARNING:
        return Reading(
            "overfitting",
            f"Training accuracy ends {gap * 100:.0f} percentage points above validation accuracy "
            f"({training:.0%} vs {validation:.0%}): the model does better on photos it has already seen, "
            "a sign of overfitting.",
            best, gap=gap,
        )
    if gap < -0.02:
        return Reading(
            "validation_higher",
            f"Validation accuracy ({validation:.0%}) ends above training accuracy ({training:.0%}). That is no "
            "problem: training accuracy is averaged over an epoch in which the network was still improving "
            "(validation is measured at its end), and augmentation or dropout make training photos harder.",
            best, gap=gap,
        )
    distance = (f"level ({validation:.0%})" if abs(gap) < 0.005 else
                f"within {abs(gap) * 100:.0f} percentage points of each other ({training:.0%} vs {validation:.0%})")
    return Reading(
        "close",
        f"Training and validation accuracy end {distance}: the model does about as well on new photos as on "
        "the ones it trained on.",
        best, gap=gap,
    )


# ----------------------------------------------------------------------------
# Test metrics: tables and explanations
# ----------------------------------------------------------------------------


def read_json_object(path: str | Path) -> dict:
    """A JSON object from a file, or {} when the file is missing or not an object."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


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
    ``core.metrics.binary_metrics``.
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
