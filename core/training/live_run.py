"""Train a small CNN while the class watches: data, the loop, evaluation, export.

The page gives this module photos as bytes (uploads, a zip of class folders)
or a folder of class folders, and gets back uint8 arrays, a running
:class:`LiveRun` it can poll and stop, and finally a :class:`LiveResult` with
the trained model, its history and its evaluation on held-out photos.

Nothing here writes to disk except :func:`save_live_model`, which the learner
has to ask for, and which never replaces a shipped model.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from core.augment.layers import build_augmentation
from core.models.predict import predict_probabilities
from core.training.live_data import ImageSet, check_class_counts, split_holdout
from core.training.live_model import LIVE_AUGMENTATION, LiveConfig, build_live_model
from core.training.metrics import BinaryMetrics, binary_metrics

logger = logging.getLogger(__name__)


def _targets(labels: np.ndarray, num_classes: int) -> np.ndarray:
    # One sigmoid unit for two classes, sparse integer labels otherwise (as core.data does).
    return labels.astype(np.float32)[:, None] if num_classes == 2 else labels.astype(np.int32)


def _dataset(data: ImageSet, batch_size: int, *, training: bool, augmentation: bool, seed: int) -> tf.data.Dataset:
    dataset = tf.data.Dataset.from_tensor_slices((data.images, _targets(data.labels, len(data.class_names))))
    if training:
        dataset = dataset.shuffle(len(data), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    augment = build_augmentation(LIVE_AUGMENTATION, seed=seed) if training and augmentation else None

    def to_float(pixels, targets):
        pixels = tf.cast(pixels, tf.float32)
        if augment is not None:
            pixels = tf.clip_by_value(augment(pixels, training=True), 0.0, 255.0)
        return pixels, targets

    return dataset.map(to_float, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


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
                elapsed_seconds=elapsed, remaining_seconds=remaining, error=self.error,
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

    def as_dict(self) -> dict:
        result = {"accuracy": self.accuracy, "confusion_matrix": self.confusion_matrix.tolist(),
                  "class_names": list(self.class_names), "count": int(len(self.labels))}
        if self.binary is not None:
            result.update({key: value for key, value in self.binary.as_dict().items() if key != "confusion_matrix"})
        return result


def evaluate_live(model: keras.Model, data: ImageSet) -> LiveEvaluation:
    """Accuracy and confusion matrix (plus precision/recall/F1/ROC AUC for two classes)."""
    if len(data) == 0:
        raise ValueError("There are no held-out photos to evaluate on.")
    probabilities = predict_probabilities(model, data.images)
    num_classes = len(data.class_names)
    predicted = probabilities.argmax(axis=1)
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (data.labels, predicted), 1)
    binary = binary_metrics(data.labels, probabilities[:, 1]) if num_classes == 2 else None
    return LiveEvaluation(float((predicted == data.labels).mean()), matrix, probabilities,
                          data.labels.copy(), data.class_names, binary)


@dataclass(frozen=True)
class LiveResult:
    """A finished live training, kept in the learner's session."""

    model: keras.Model = field(repr=False)
    history: dict[str, tuple[float, ...]]
    config: LiveConfig
    class_names: tuple[str, ...]
    stopped_by_user: bool
    partial_last_epoch: bool
    training_seconds: float
    train_counts: dict[str, int]
    holdout: ImageSet = field(repr=False)
    evaluation: LiveEvaluation | None = field(default=None, repr=False)

    @property
    def epochs_run(self) -> int:
        return len(self.history.get("loss", ()))


def train_live(config: LiveConfig, data: ImageSet, *, progress: TrainingProgress | None = None,
               stop_event: threading.Event | None = None, verbose: int = 0) -> LiveResult:
    """Split, build, compile, fit and evaluate, reporting to ``progress``; returns the result.

    Runs in the caller's thread (the page runs it in a background thread via
    :class:`LiveRun`; tests may call it directly).
    """
    config.validate()
    check_class_counts(data.counts())
    if data.image_size != config.image_size:
        raise ValueError(f"The photos are {data.image_size}×{data.image_size} but the model expects "
                         f"{config.image_size}×{config.image_size}.")
    # Imported here: core.training.train pulls in the training CLI's dependencies.
    from core.training.train import compile_model

    progress = progress or TrainingProgress(config.epochs)
    stop_event = stop_event or threading.Event()
    train_part, holdout = split_holdout(data, config.holdout_fraction, config.seed)
    num_classes = len(data.class_names)
    batches_per_epoch = math.ceil(len(train_part) / config.batch_size)
    model = build_live_model(config.architecture, config.image_size, num_classes, config.dropout)
    compile_model(model, config.learning_rate, num_classes)
    train_data = _dataset(train_part, config.batch_size, training=True, augmentation=config.augmentation,
                          seed=config.seed)
    validation_data = _dataset(holdout, config.batch_size, training=False, augmentation=False, seed=config.seed)
    callback = LiveProgressCallback(progress, stop_event)
    progress.begin(batches_per_epoch)
    started = time.perf_counter()
    gradients_before = _custom_gradient_names()
    try:
        model.fit(train_data, validation_data=validation_data, epochs=config.epochs, callbacks=[callback],
                  verbose=verbose)
    finally:
        del train_data, validation_data
        # Drop the compiled training graph: the session keeps only what inference needs.
        model.train_function = None
        _forget_custom_gradients(gradients_before)
    seconds = time.perf_counter() - started
    snapshot = progress.snapshot()
    evaluation = evaluate_live(model, holdout)
    return LiveResult(
        model=model, history=snapshot.history, config=config, class_names=data.class_names,
        stopped_by_user=callback.stopped_by_user, partial_last_epoch=callback.partial_epoch,
        training_seconds=seconds, train_counts=train_part.counts(), holdout=holdout, evaluation=evaluation,
    )


def _gradient_registry() -> dict | None:
    try:
        from tensorflow.python.framework import ops

        return ops._gradient_registry._registry
    except (ImportError, AttributeError):  # a TensorFlow without it: nothing to clean
        return None


def _custom_gradient_names() -> set[str]:
    registry = _gradient_registry()
    return set(registry) if registry is not None else set()


def _forget_custom_gradients(before: set[str]) -> None:
    """Unregister the graph-mode custom gradients a training added.

    Tracing ``fit``'s train step under the default distribution strategy
    registers a custom gradient (``all_reduce``) in TensorFlow's global
    gradient registry, which keeps the whole traced graph alive for the life
    of the process: about 10 MB per training, and ``keras.backend.clear_session``
    does not release it (measured with TF 2.21 / Keras 3.15). The entries are
    only used while that step is traced, so they can go once it has run. Only
    one live training runs at a time, and the app's other pages run models
    eagerly, which never uses this registry.
    """
    registry = _gradient_registry()
    if registry is None:
        return
    for name in [name for name in list(registry) if name not in before and name.startswith("CustomGradient-")]:
        registry.pop(name, None)


class LiveRun:
    """One live training running in a background thread, polled and stopped by the page."""

    def __init__(self, config: LiveConfig, owner: str = ""):
        self.config = config.validate()
        self.owner = owner
        self.stop_event = threading.Event()
        self.progress = TrainingProgress(config.epochs)
        self.result: LiveResult | None = None
        self.error = ""
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, data: ImageSet, on_finish=None) -> LiveRun:
        if self._thread is not None:
            raise ValueError("This training has already been started.")

        def work():
            try:
                self.result = train_live(self.config, data, progress=self.progress, stop_event=self.stop_event)
                self.progress.end("stopped" if self.result.stopped_by_user else "finished")
            except Exception as error:  # the page shows the message; the log keeps the traceback
                logger.exception("Live training failed")
                self.error = str(error) or error.__class__.__name__
                self.progress.end("failed", self.error)
            finally:
                gc.collect()
                self._finished.set()
                if on_finish is not None:
                    on_finish()

        self._thread = threading.Thread(target=work, name=f"live-training-{self.owner}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the training to stop after the batch it is working on."""
        self.stop_event.set()

    def snapshot(self) -> ProgressSnapshot:
        return self.progress.snapshot()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the training ends (True) or ``timeout`` seconds pass (False)."""
        return self._finished.wait(timeout)


class TrainingSlot:
    """One live training at a time in this process; everyone else is told it is busy."""

    def __init__(self):
        self._lock = threading.Lock()
        self._current: LiveRun | None = None

    def start(self, config: LiveConfig, data: ImageSet, owner: str) -> LiveRun | None:
        """Start a training, or return None when another one is running."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            run = LiveRun(config, owner)
        except Exception:
            self._lock.release()
            raise

        def release():
            self._current = None
            self._lock.release()

        self._current = run
        try:
            run.start(data, on_finish=release)
        except Exception:
            release()
            raise
        return run

    @property
    def current(self) -> LiveRun | None:
        """The training running now, if any."""
        return self._current
