"""Train a small CNN while the class watches: the loop, the background run, the result.

The page gives this module photos as arrays (:mod:`core.training.live.photo_sets`
makes them), gets back a running :class:`LiveRun` it can poll
(:mod:`core.training.live.progress`) and stop, and finally a
:class:`LiveResult` with the trained model, its history and its evaluation on
held-out photos (:mod:`core.training.live.held_out`). The result describes
itself in sentences, so the page hard-codes no number.

Nothing here writes to disk: :mod:`core.training.live.saving` does, and only
when the learner asks.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from core.augment.layers import build_augmentation
from core.data.image_set import ImageSet
from core.imaging.resize import network_input
from core.models.features import FrozenBase
from core.models.inference import class_probabilities, predict_probabilities
from core.prediction.answers import Prediction
from core.prediction.honest import model_gives
from core.training.compiling import compile_model
from core.training.live.held_out import (
    HeldOutMistake,
    LiveEvaluation,
    evaluate_live,
    evaluation_from_probabilities,
    held_out_mistakes,
)
from core.training.live.networks import LIVE_AUGMENTATION, LiveConfig, build_live_model
from core.training.live.networks import head as live_head
from core.training.live.photo_sets import check_class_counts, shrink_for_gallery, split_holdout
from core.training.live.progress import (
    KeepBestWeights,
    LiveProgressCallback,
    ProgressSnapshot,
    TrainingProgress,
)
from core.training.live.transfer import StoppedBeforeTraining, assemble, transfer_features
from core.training.report import format_seconds

logger = logging.getLogger(__name__)


def _targets(labels: np.ndarray, num_classes: int) -> np.ndarray:
    # One sigmoid unit for two classes, sparse integer labels otherwise (as core.data does).
    return labels.astype(np.float32)[:, None] if num_classes == 2 else labels.astype(np.int32)


def _dataset(data: ImageSet, batch_size: int, *, training: bool, augmentation: bool, seed: int) -> tf.data.Dataset:
    return _batches(data.images, data.labels, len(data.class_names), batch_size, training=training,
                    augmentation=augmentation, seed=seed)


def _batches(inputs: np.ndarray, labels: np.ndarray, num_classes: int, batch_size: int, *, training: bool,
             augmentation: bool, seed: int) -> tf.data.Dataset:
    dataset = tf.data.Dataset.from_tensor_slices((inputs, _targets(labels, num_classes)))
    if training:
        dataset = dataset.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    augment = build_augmentation(LIVE_AUGMENTATION, seed=seed) if training and augmentation else None

    def to_float(pixels, targets):
        pixels = tf.cast(pixels, tf.float32)
        if augment is not None:
            pixels = tf.clip_by_value(augment(pixels, training=True), 0.0, 255.0)
        return pixels, targets

    return dataset.map(to_float, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


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
    kept_epoch: int | None = None  # whose weights were kept: the lowest validation loss
    feature_seconds: float = 0.0  # transfer mode: time spent running the frozen base

    @property
    def epochs_run(self) -> int:
        return len(self.history.get("loss", ()))

    @property
    def outcome_sentence(self) -> str:
        """'It finished after 8 epochs in 42 s; the network keeps what it learned.'"""
        epochs = self.epochs_run
        how = "You stopped it" if self.stopped_by_user else "It finished"
        partial = " (the last one cut short)" if self.partial_last_epoch else ""
        features = (f", {format_seconds(self.feature_seconds)} of them for MobileNet to read the photos"
                    if self.feature_seconds >= 0.5 else "")
        if self.kept_epoch is None or self.kept_epoch == epochs:
            kept = "the network keeps what it learned"
        else:
            kept = (f"the network keeps the weights of epoch {self.kept_epoch}, where the validation loss was "
                    "lowest (later epochs did not beat it)")
        return (f"{how} after {epochs} epoch{'s' if epochs != 1 else ''}{partial} in "
                f"{format_seconds(self.training_seconds)}{features}; {kept}.")

    @property
    def holdout_sentence(self) -> str:
        """How it did on the held-out photos (empty without an evaluation)."""
        return "" if self.evaluation is None else self.evaluation.sentence(self.holdout.counts())

    def mistakes(self, limit: int | None = None) -> list[HeldOutMistake]:
        """The held-out photos it got wrong (none without an evaluation)."""
        return [] if self.evaluation is None else held_out_mistakes(self.evaluation, self.holdout, limit)

    @property
    def file_stem(self) -> str:
        """'live-small-64px': the start of every file the learner downloads."""
        kind = "transfer" if self.config.is_transfer else self.config.architecture
        return f"live-{kind}-{self.config.image_size}px"

    @property
    def usage_note(self) -> str:
        """How to use the downloaded model file (Markdown)."""
        size = self.config.image_size
        return ("Load the model later with `keras.saving.load_model('….keras')`. It takes RGB photos of "
                f"{size}×{size} pixels, values 0 to 255.")

    def try_photo(self, pixels: np.ndarray) -> TriedPhoto:
        """The trained network's answer for one (height, width, 3) photo of any size."""
        size = self.config.image_size
        model_input = network_input(pixels, (size, size))
        probabilities = predict_probabilities(self.model, model_input)[0]
        return TriedPhoto(model_input, Prediction(self.class_names, tuple(float(p) for p in probabilities)))


@dataclass(frozen=True)
class TriedPhoto:
    """A photo classified by the live-trained network."""

    model_input: np.ndarray  # the photo squeezed to the network's input size
    prediction: Prediction

    @property
    def sentence(self) -> str:
        """'The model gives it 97% cat.' and why that is not a promise: nothing calibrated this network (Markdown)."""
        return (f"{model_gives(self.prediction.confidence, self.prediction.label)} Trained here in minutes, it was "
                "never calibrated: nobody has counted how often its scores like this are right.")

    @property
    def input_caption(self) -> str:
        height, width = self.model_input.shape[:2]
        return f"what the network sees ({height}×{width})"


def train_live(config: LiveConfig, data: ImageSet, *, progress: TrainingProgress | None = None,
               stop_event: threading.Event | None = None, verbose: int = 0,
               base: FrozenBase | None = None) -> LiveResult:
    """Split, build, compile, fit (keeping the best epoch's weights) and evaluate, reporting to ``progress``.

    Transfer mode needs ``base``, the frozen feature extractor at the
    config's image size. Runs in the caller's thread (the page runs it in a
    background thread via :class:`LiveRun`; tests may call it directly).
    """
    config.validate()
    check_class_counts(data.counts())
    if data.image_size != config.image_size:
        raise ValueError(f"The photos are {data.image_size}×{data.image_size} but the model expects "
                         f"{config.image_size}×{config.image_size}.")
    if config.is_transfer and base is None:
        raise ValueError("Transfer mode needs the frozen MobileNet base, which is not available here; "
                         "train from scratch instead.")
    progress = progress or TrainingProgress(config.epochs)
    stop_event = stop_event or threading.Event()
    started = time.perf_counter()
    train_part, holdout = split_holdout(data, config.holdout_fraction, config.seed)
    num_classes = len(data.class_names)
    keras.utils.set_random_seed(config.seed)
    if config.is_transfer:
        train_inputs, train_labels, holdout_features = transfer_features(
            base, train_part, holdout, mirrored=config.augmentation, on_stage=progress.set_stage,
            stop_event=stop_event)
        train_data = _batches(train_inputs, train_labels, num_classes, config.batch_size, training=True,
                              augmentation=False, seed=config.seed)
        validation_data = _batches(holdout_features, holdout.labels, num_classes, config.batch_size,
                                   training=False, augmentation=False, seed=config.seed)
        batches_per_epoch = math.ceil(len(train_labels) / config.batch_size)
    else:
        train_data = _dataset(train_part, config.batch_size, training=True, augmentation=config.augmentation,
                              seed=config.seed)
        validation_data = _dataset(holdout, config.batch_size, training=False, augmentation=False, seed=config.seed)
        batches_per_epoch = math.ceil(len(train_part) / config.batch_size)
    feature_seconds = time.perf_counter() - started if config.is_transfer else 0.0
    if config.is_transfer:
        model = live_head(base.feature_count, num_classes, config.dropout)
    else:
        model = build_live_model(config.architecture, config.image_size, num_classes, config.dropout)
    # The learning rate falls smoothly to zero by the last epoch (cosine decay), as for the shipped models.
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.epochs * batches_per_epoch)
    compile_model(model, schedule, num_classes)
    callback = LiveProgressCallback(progress, stop_event)
    best = KeepBestWeights()
    progress.begin(batches_per_epoch)
    gradients_before = _custom_gradient_names()
    try:
        model.fit(train_data, validation_data=validation_data, epochs=config.epochs, callbacks=[callback, best],
                  verbose=verbose)
    finally:
        del train_data, validation_data
        # Drop the compiled training graph: the session keeps only what inference needs.
        model.train_function = None
        _forget_custom_gradients(gradients_before)
    seconds = time.perf_counter() - started
    snapshot = progress.snapshot()
    if config.is_transfer:
        probabilities = class_probabilities(predict_probabilities_of_features(model, holdout_features))
        evaluation = evaluation_from_probabilities(probabilities, holdout.labels, holdout.class_names)
        model = assemble(base, model)
        holdout = shrink_for_gallery(holdout)
    else:
        evaluation = evaluate_live(model, holdout)
    return LiveResult(
        model=model, history=snapshot.history, config=config, class_names=data.class_names,
        stopped_by_user=callback.stopped_by_user, partial_last_epoch=callback.partial_epoch,
        training_seconds=seconds, train_counts=train_part.counts(), holdout=holdout, evaluation=evaluation,
        kept_epoch=best.best_epoch, feature_seconds=feature_seconds,
    )


def predict_probabilities_of_features(head: keras.Model, features: np.ndarray) -> np.ndarray:
    """The head's raw outputs for feature vectors, in batches, without Keras' progress machinery."""
    outputs = [keras.ops.convert_to_numpy(head(features[start:start + 256], training=False))
               for start in range(0, len(features), 256)]
    return np.concatenate(outputs) if outputs else np.zeros((0, head.output_shape[-1]))


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

    def __init__(self, config: LiveConfig, owner: str = "", base: FrozenBase | None = None):
        self.config = config.validate()
        self.base = base
        self.owner = owner
        self.stop_event = threading.Event()
        self.progress = TrainingProgress(config.epochs)
        self.result: LiveResult | None = None
        self.error = ""
        self.stopped_before_training = ""  # why there is no result although nothing failed
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, data: ImageSet, on_finish=None) -> LiveRun:
        if self._thread is not None:
            raise ValueError("This training has already been started.")

        def work():
            try:
                self.result = train_live(self.config, data, progress=self.progress, stop_event=self.stop_event,
                                         base=self.base)
                self.progress.end("stopped" if self.result.stopped_by_user else "finished")
            except StoppedBeforeTraining as stopped:
                self.stopped_before_training = str(stopped)
                self.progress.end("stopped")
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

    def start(self, config: LiveConfig, data: ImageSet, owner: str, base: FrozenBase | None = None) -> LiveRun | None:
        """Start a training, or return None when another one is running."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            run = LiveRun(config, owner, base)
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

    def busy_sentence(self) -> str:
        """What another session is told while this slot is taken."""
        current = self._current
        detail = ""
        if current is not None:
            snapshot = current.snapshot()
            detail = f" (epoch {snapshot.current_epoch} of {snapshot.total_epochs})"
        return (f"Someone else is training a network on this server right now{detail}. One training runs at a "
                "time so that the app stays quick for everyone: try again when it has finished.")
