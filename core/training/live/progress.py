"""A live training's progress: written by the training thread, read (and described) by the page.

:class:`TrainingProgress` is the shared, locked record; :class:`ProgressSnapshot`
is a consistent copy of it that knows how to describe itself ("Epoch 3 of 8,
batch 4 of 10"); :class:`LiveProgressCallback` is the Keras callback that feeds
the record and honours the Stop button.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import keras
import numpy as np

from core.training.report import format_seconds


@dataclass(frozen=True)
class ProgressSnapshot:
    """A consistent copy of a running training's progress, safe to draw."""

    state: str  # "starting", "running", "finished", "stopped", "failed"
    epochs_done: int
    total_epochs: int
    batch: int  # batches finished in the current epoch
    batches_per_epoch: int
    history: dict[str, tuple[float, ...]]
    elapsed_seconds: float
    remaining_seconds: float | None
    error: str = ""
    stage: str = ""  # what happens before the first batch (e.g. computing features)

    @property
    def fraction(self) -> float:
        """Share of all batches done, 0..1."""
        total = self.total_epochs * max(self.batches_per_epoch, 1)
        if self.state in ("finished", "stopped"):
            return 1.0
        done = self.epochs_done * max(self.batches_per_epoch, 1) + self.batch
        return min(done / total, 1.0) if total else 0.0

    @property
    def done(self) -> bool:
        return self.state in ("finished", "stopped", "failed")

    @property
    def current_epoch(self) -> int:
        """The epoch being trained now (1-based), never past the last one."""
        return min(self.epochs_done + 1, self.total_epochs)

    def label(self, stopping: bool = False) -> str:
        """The progress bar's text: what the training is doing right now."""
        if self.state == "starting":
            text = self.stage or "Building the network…"
        elif self.epochs_done == 0 and self.batch == 0:
            text = "Preparing the first batch (TensorFlow turns the network into a computation graph once)…"
        elif self.batch:
            text = (f"Epoch {self.current_epoch} of {self.total_epochs}, "
                    f"batch {self.batch} of {self.batches_per_epoch}")
        else:
            text = f"Epoch {self.current_epoch} of {self.total_epochs} starting"
        if stopping:
            text += " — stopping after this batch…"
        return text

    @property
    def epochs_text(self) -> str:
        """'3 / 8'."""
        return f"{self.epochs_done} / {self.total_epochs}"

    @property
    def elapsed_text(self) -> str:
        return format_seconds(self.elapsed_seconds)

    @property
    def remaining_text(self) -> str:
        return format_seconds(self.remaining_seconds)


class TrainingProgress:
    """Progress shared between the training thread (writer) and the page (reader)."""

    def __init__(self, total_epochs: int, batches_per_epoch: int = 0):
        self._lock = threading.Lock()
        self.total_epochs = total_epochs
        self.batches_per_epoch = batches_per_epoch
        self.state = "starting"
        self.epochs_done = 0
        self.batch = 0
        self.batches_done = 0
        self.history: dict[str, list[float]] = {}
        self.started = time.monotonic()
        self.training_started: float | None = None
        # When the first epoch ended and how many batches it took: later epochs are faster
        # (the first one also builds the computation graph), so estimates use them.
        self.first_epoch_ended: float | None = None
        self.ended: float | None = None
        self.error = ""
        self.stage = ""

    def set_stage(self, text: str) -> None:
        """What the training does before its first batch, shown on the progress bar."""
        with self._lock:
            self.stage = text

    def begin(self, batches_per_epoch: int) -> None:
        with self._lock:
            self.batches_per_epoch = batches_per_epoch
            self.state = "running"
            self.training_started = time.monotonic()

    def batch_finished(self, batch_in_epoch: int) -> None:
        with self._lock:
            self.batch = batch_in_epoch
            self.batches_done += 1

    def epoch_finished(self, logs: Mapping[str, float]) -> None:
        with self._lock:
            for key, value in logs.items():
                self.history.setdefault(key, []).append(float(value))
            self.epochs_done += 1
            self.batch = 0
            if self.first_epoch_ended is None:
                self.first_epoch_ended = time.monotonic()

    def end(self, state: str, error: str = "") -> None:
        with self._lock:
            self.state = state
            self.error = error
            self.ended = time.monotonic()

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            now = self.ended or time.monotonic()
            elapsed = now - self.started
            remaining = None
            if self.state == "running" and self.training_started is not None and self.batches_done > 0:
                # Time per batch (validation included) times the batches still to run.
                first_epoch_batches = self.batches_per_epoch
                if self.first_epoch_ended is not None and self.batches_done > first_epoch_batches:
                    per_batch = (now - self.first_epoch_ended) / (self.batches_done - first_epoch_batches)
                else:
                    per_batch = (now - self.training_started) / self.batches_done
                left = self.total_epochs * self.batches_per_epoch - self.batches_done
                remaining = max(left, 0) * per_batch
            elif self.state in ("finished", "stopped", "failed"):
                remaining = 0.0
            return ProgressSnapshot(
                state=self.state, epochs_done=self.epochs_done, total_epochs=self.total_epochs, batch=self.batch,
                batches_per_epoch=self.batches_per_epoch,
                history={key: tuple(values) for key, values in self.history.items()},
                elapsed_seconds=elapsed, remaining_seconds=remaining, error=self.error, stage=self.stage,
            )


class LiveProgressCallback(keras.callbacks.Callback):
    """Reports every batch and epoch to a :class:`TrainingProgress` and honours a stop flag.

    The flag is checked after every training batch: Keras then finishes the
    epoch's bookkeeping (validation, logs) and returns, keeping the weights
    learned so far.
    """

    def __init__(self, progress: TrainingProgress, stop_event: threading.Event | None = None):
        super().__init__()
        self.progress = progress
        self.stop_event = stop_event or threading.Event()
        self.stopped_by_user = False
        self.partial_epoch = False
        self._epoch_started = 0.0
        self._batches_this_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_started = time.perf_counter()
        self._batches_this_epoch = 0
        if self.stop_event.is_set():  # pressed Stop between epochs
            self.stopped_by_user = True
            self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        self._batches_this_epoch += 1
        self.progress.batch_finished(self._batches_this_epoch)
        if self.stop_event.is_set():
            self.stopped_by_user = True
            self.partial_epoch = self._batches_this_epoch < self.progress.batches_per_epoch
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if self._batches_this_epoch == 0:
            return  # stopped before this epoch trained on anything
        logs = dict(logs or {})
        logs["seconds"] = time.perf_counter() - self._epoch_started
        self.progress.epoch_finished({key: value for key, value in logs.items()
                                      if isinstance(value, (int, float, np.floating)) or hasattr(value, "numpy")})
        # Stop pressed during validation: end here. Keras checks the flag after this callback, whereas
        # setting it in on_epoch_begin still trains (and records) one batch of the next epoch.
        if self.stop_event.is_set():
            self.stopped_by_user = True
            self.model.stop_training = True


class KeepBestWeights(keras.callbacks.Callback):
    """Remembers the weights of the epoch with the lowest validation loss and puts them back at the end.

    The same rule as the shipped models' early stopping (``restore_best_weights``),
    kept in memory: the live networks are small, so a copy per improving epoch is cheap.
    """

    def __init__(self):
        super().__init__()
        self.best_epoch: int | None = None
        self.best_loss = float("inf")
        self._weights: list | None = None

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("val_loss")
        if loss is not None and np.isfinite(float(loss)) and float(loss) < self.best_loss:
            self.best_loss = float(loss)
            self.best_epoch = epoch + 1
            self._weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self._weights is not None:
            self.model.set_weights(self._weights)
            self._weights = None
