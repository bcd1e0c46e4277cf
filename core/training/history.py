"""Reading finished trainings: per-epoch histories, test metrics and what they say.

A shipped model folder holds ``history.json`` (one list per quantity, one
value per epoch), ``model.json`` (the card) and ``metrics.json`` (test-set
numbers). This module turns them into frozen values and into short readings
computed from the numbers ("validation loss has risen for 6 epochs since
epoch 14: ..."), so the page never hard-codes a claim about a chart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The quantities a history may hold, in the order tables show them.
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy", "seconds", "learning_rate")


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
    ``core.training.train`` always restores the lowest validation loss).
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
