"""Train a small CNN while the class watches: data, the loop, evaluation, export.

The page gives this module photos as bytes (uploads, a zip of class folders)
or a folder of class folders, and gets back uint8 arrays, a running
:class:`LiveRun` it can poll and stop, and finally a :class:`LiveResult` with
the trained model, its history and its evaluation on held-out photos.

Nothing here writes to disk except :func:`save_live_model`, which the learner
has to ask for, and which never replaces a shipped model.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import logging
import math
import re
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from core import architectures
from core.augment import AugmentationSettings, build_augmentation
from core.data import IMAGE_SUFFIXES, LabeledFiles, list_labeled_files, load_arrays
from core.images import ImageLoadError, decode_image, resize_for_model
from core.metrics import BinaryMetrics, binary_metrics, class_probabilities

logger = logging.getLogger(__name__)

ARCHITECTURE_CHOICES = ("tiny", "small")
IMAGE_SIZES = (32, 48, 64, 96, 128)
BATCH_SIZES = (8, 16, 32, 64)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
MAX_EPOCHS = 50
MIN_IMAGES_PER_CLASS = 5
MAX_CLASSES = 10
#: Zip uploads: at most this many entries and this many bytes once unpacked
#: (a zip bomb expands a few kilobytes into gigabytes).
MAX_ZIP_FILES = 3000
MAX_ZIP_BYTES = 300 * 1024 * 1024
#: Mild, label-preserving changes: flips, small turns and zooms.
LIVE_AUGMENTATION = AugmentationSettings(rotation_degrees=15, zoom_fraction=0.1, horizontal_flip=True)


# ----------------------------------------------------------------------------
# Architectures
# ----------------------------------------------------------------------------


def small(image_size: int = 64, num_classes: int = 2, dropout: float = 0.25) -> keras.Model:
    """Three conv blocks (16, 32, 64 filters), global average pooling, dropout, output.

    About 24,000 parameters: big enough to learn cats from dogs a little,
    small enough that an epoch on a few hundred 64×64 photos takes seconds on a
    laptop CPU. Global pooling (instead of Flatten) keeps the size independent
    of the image size.
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    inputs = keras.Input(shape=(image_size, image_size, 3), name="pixels")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    for block, filters in enumerate((16, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{block}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, name="dropout")(x)
    if num_classes == 2:
        outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    else:
        outputs = layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="small")


def build_live_model(architecture: str, image_size: int, num_classes: int, dropout: float = 0.0) -> keras.Model:
    """``tiny`` (from core.architectures, no dropout) or ``small`` (with dropout)."""
    if num_classes < 2:
        raise ValueError(f"A classifier needs at least 2 classes, got {num_classes}.")
    if architecture == "tiny":
        return architectures.tiny(image_size=image_size, num_classes=num_classes)
    if architecture == "small":
        return small(image_size=image_size, num_classes=num_classes, dropout=dropout)
    raise ValueError(f"Unknown live architecture {architecture!r}; choose one of {', '.join(ARCHITECTURE_CHOICES)}.")


def count_parameters(architecture: str, image_size: int, num_classes: int, dropout: float = 0.0) -> int:
    """Parameters of a live architecture (built and thrown away)."""
    return int(build_live_model(architecture, image_size, num_classes, dropout).count_params())


@dataclass(frozen=True)
class LiveConfig:
    """Everything the learner chooses before pressing Train."""

    architecture: str = "small"
    image_size: int = 64
    epochs: int = 8
    batch_size: int = 16
    learning_rate: float = 1e-3
    augmentation: bool = False
    dropout: float = 0.25
    holdout_fraction: float = 0.2
    seed: int = 0

    def validate(self) -> LiveConfig:
        if self.architecture not in ARCHITECTURE_CHOICES:
            raise ValueError(f"Unknown architecture {self.architecture!r}; choose {' or '.join(ARCHITECTURE_CHOICES)}.")
        if not 16 <= self.image_size <= 256:
            raise ValueError(f"Image size must be between 16 and 256 pixels, got {self.image_size}.")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"Epochs must be between 1 and {MAX_EPOCHS}, got {self.epochs}.")
        if not 1 <= self.batch_size <= 512:
            raise ValueError(f"Batch size must be between 1 and 512, got {self.batch_size}.")
        if not 0 < self.learning_rate <= 1:
            raise ValueError(f"The learning rate must be in (0, 1], got {self.learning_rate}.")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"Dropout must be in [0, 1), got {self.dropout}.")
        if not 0 < self.holdout_fraction < 0.9:
            raise ValueError(f"The held-out fraction must be between 0 and 0.9, got {self.holdout_fraction}.")
        return self

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageSet:
    """Photos as arrays: images (N, size, size, 3) uint8, labels (N,) indexing class_names.

    ``problems`` lists files that were skipped, one readable line each.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    problems: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # a file name per image, when known

    def __len__(self) -> int:
        return int(len(self.labels))

    @property
    def image_size(self) -> int:
        return int(self.images.shape[1])

    def counts(self) -> dict[str, int]:
        return {name: int((self.labels == index).sum()) for index, name in enumerate(self.class_names)}

    def subset(self, indices: np.ndarray) -> ImageSet:
        indices = np.asarray(indices, dtype=int)
        names = tuple(self.names[i] for i in indices) if self.names else ()
        return ImageSet(self.images[indices], self.labels[indices], self.class_names, self.problems, names)


def check_class_counts(counts: Mapping[str, int], minimum: int = MIN_IMAGES_PER_CLASS) -> None:
    """Raise ValueError with a message a learner can act on when the classes will not do."""
    if len(counts) == 0:
        raise ValueError("There are no photos yet: add at least two classes with "
                         f"{minimum} photos or more in each.")
    if len(counts) == 1:
        name = next(iter(counts))
        raise ValueError(f"Only one class ({name!r}) has photos. A classifier learns to tell classes apart, "
                         "so it needs at least two.")
    if len(counts) > MAX_CLASSES:
        raise ValueError(f"{len(counts)} classes is more than this page trains ({MAX_CLASSES} at most).")
    too_few = {name: count for name, count in counts.items() if count < minimum}
    if too_few:
        listing = ", ".join(f"{name!r} has {count}" for name, count in too_few.items())
        raise ValueError(f"Each class needs at least {minimum} readable photos: {listing}.")


def _class_name(raw: str) -> str:
    name = re.sub(r"\s+", " ", raw).strip()
    if not name:
        raise ValueError("A class needs a name.")
    return name[:40]


def read_zip_of_classes(data: bytes, *, max_files: int = MAX_ZIP_FILES,
                        max_total_bytes: int = MAX_ZIP_BYTES) -> tuple[dict[str, list[tuple[str, bytes]]], list[str]]:
    """Unpack a zip of class folders in memory: ``{class: [(file name, bytes), ...]}`` plus problems.

    Each image's class is the folder it sits in (``cats/a.jpg`` or
    ``photos/cats/a.jpg`` are both class ``cats``). Files at the top level,
    hidden files and macOS ``__MACOSX`` copies are skipped. Raises ValueError
    for a file that is not a zip, or one that unpacks to too many files or bytes.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("This file is not a zip archive (or it is damaged).") from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > max_files:
            raise ValueError(f"The zip holds {len(entries):,} files; the limit is {max_files:,}.")
        declared = sum(info.file_size for info in entries)
        if declared > max_total_bytes:
            raise ValueError(f"The zip unpacks to {declared / 1e6:,.0f} MB; the limit is "
                             f"{max_total_bytes / 1e6:,.0f} MB.")
        classes: dict[str, list[tuple[str, bytes]]] = {}
        problems: list[str] = []
        total = 0
        for info in entries:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            parts = path.parts
            if any(part.startswith(".") or part == "__MACOSX" for part in parts):
                continue
            if len(parts) < 2:
                problems.append(f"{info.filename}: not inside a class folder, skipped.")
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                problems.append(f"{info.filename}: not an image file type, skipped.")
                continue
            try:
                with archive.open(info) as member:
                    # Read at most what the header declares (plus one byte to notice a lie).
                    content = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as error:
                problems.append(f"{info.filename}: could not be unpacked ({error.__class__.__name__}).")
                continue
            if len(content) > info.file_size:
                raise ValueError("The zip archive is inconsistent (a file is larger than its header says).")
            total += len(content)
            if total > max_total_bytes:
                raise ValueError(f"The zip unpacks to more than {max_total_bytes / 1e6:,.0f} MB.")
            classes.setdefault(_class_name(parts[-2]), []).append((path.name, content))
    return classes, problems


def decode_class_images(classes: Mapping[str, Sequence[tuple[str, bytes]]], image_size: int) -> ImageSet:
    """Decode and resize every photo; unreadable ones are skipped and listed in ``problems``.

    Classes are sorted by name (as folders are), so class 0 is the first name
    alphabetically. Classes left with no readable photo are dropped.
    """
    names: list[str] = []
    images: list[np.ndarray] = []
    labels: list[int] = []
    problems: list[str] = []
    readable: dict[str, list[tuple[str, np.ndarray]]] = {}
    for class_name in sorted(classes):
        for file_name, data in classes[class_name]:
            try:
                decoded = decode_image(data, draft_size=(image_size, image_size))
            except ImageLoadError as error:
                problems.append(f"{class_name}/{file_name}: {error}")
                continue
            readable.setdefault(class_name, []).append(
                (file_name, resize_for_model(decoded.pixels, (image_size, image_size))))
    class_names = tuple(sorted(readable))
    for label, class_name in enumerate(class_names):
        for file_name, pixels in readable[class_name]:
            images.append(pixels)
            labels.append(label)
            names.append(f"{class_name}/{file_name}")
    stacked = np.stack(images) if images else np.zeros((0, image_size, image_size, 3), np.uint8)
    return ImageSet(stacked, np.asarray(labels, dtype=np.int32), class_names, tuple(problems), tuple(names))


def subsample_files(files: LabeledFiles, count: int, seed: int = 0) -> LabeledFiles:
    """About ``count`` files with the classes in their original proportions (all when fewer)."""
    if count < 1:
        raise ValueError("Ask for at least one photo.")
    if count >= len(files):
        return files
    labels = np.asarray(files.labels)
    rng = np.random.default_rng(seed)
    keep: list[int] = []
    for label in range(len(files.class_names)):
        members = np.flatnonzero(labels == label)
        share = max(1, round(count * len(members) / len(files))) if len(members) else 0
        keep.extend(rng.choice(members, size=min(share, len(members)), replace=False).tolist())
    keep = sorted(keep)
    return LabeledFiles(tuple(files.paths[i] for i in keep), tuple(files.labels[i] for i in keep), files.class_names)


def training_folder(data_dir: str | Path) -> Path | None:
    """The folder of class folders to sample from: ``<data>/train`` when split, else ``<data>``."""
    data_dir = Path(data_dir)
    for candidate in (data_dir / "train", data_dir):
        if candidate.is_dir() and sum(1 for p in candidate.iterdir() if p.is_dir() and not p.name.startswith(".")) >= 2:
            return candidate
    return None


def load_folder_sample(folder: str | Path, count: int, image_size: int, seed: int = 0) -> ImageSet:
    """A class-balanced sample of ``count`` photos from a folder of class folders, as arrays."""
    files = subsample_files(list_labeled_files(folder), count, seed)
    images, labels = load_arrays(files, image_size)
    names = tuple(str(Path(path).relative_to(Path(path).parents[1])) for path in files.paths)
    return ImageSet(images, labels, files.class_names, (), names)


def split_holdout(data: ImageSet, fraction: float, seed: int = 0) -> tuple[ImageSet, ImageSet]:
    """Stratified split into (training, held-out), at least one held-out photo per class."""
    if not 0 < fraction < 1:
        raise ValueError(f"The held-out fraction must be between 0 and 1, got {fraction}.")
    rng = np.random.default_rng(seed)
    train_indices: list[int] = []
    holdout_indices: list[int] = []
    for label in range(len(data.class_names)):
        members = rng.permutation(np.flatnonzero(data.labels == label))
        if len(members) < 2:
            raise ValueError(f"Class {data.class_names[label]!r} needs at least 2 photos to hold one out.")
        held = min(max(1, round(len(members) * fraction)), len(members) - 1)
        holdout_indices.extend(members[:held].tolist())
        train_indices.extend(members[held:].tolist())
    return data.subset(rng.permutation(train_indices)), data.subset(np.sort(holdout_indices))


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


# ----------------------------------------------------------------------------
# Progress, the stop flag and the Keras callback
# ----------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------
# Training and evaluation
# ----------------------------------------------------------------------------


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


def predict_images(model: keras.Model, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """(N, C) class probabilities for uint8 images, without ``model.predict``'s per-call setup."""
    if len(images) == 0:
        return np.zeros((0, 2))
    outputs = [keras.ops.convert_to_numpy(model(images[start:start + batch_size].astype(np.float32), training=False))
               for start in range(0, len(images), batch_size)]
    return class_probabilities(np.concatenate(outputs, axis=0))


def evaluate_live(model: keras.Model, data: ImageSet) -> LiveEvaluation:
    """Accuracy and confusion matrix (plus precision/recall/F1/ROC AUC for two classes)."""
    if len(data) == 0:
        raise ValueError("There are no held-out photos to evaluate on.")
    probabilities = predict_images(model, data.images)
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
    # Imported here: core.train pulls in the training CLI's dependencies.
    from core.train import compile_model

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


# ----------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------


def model_to_keras_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a ``.keras`` file (written to a private temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="cnn-classroom-") as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def history_to_json(history: Mapping[str, Sequence[float]]) -> str:
    return json.dumps({key: [float(value) for value in values] for key, values in history.items()}, indent=1)


def history_to_csv(history: Mapping[str, Sequence[float]]) -> str:
    """One row per epoch: epoch, then every logged quantity."""
    keys = [key for key in ("loss", "accuracy", "val_loss", "val_accuracy", "seconds") if key in history]
    keys += sorted(key for key in history if key not in keys)
    epochs = max((len(values) for values in history.values()), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for epoch in range(epochs):
        writer.writerow([epoch + 1, *(f"{history[key][epoch]:.6g}" if epoch < len(history[key]) else ""
                                      for key in keys)])
    return buffer.getvalue()


#: Names that belong to shipped models and can never be used for a live one.
RESERVED_NAMES = frozenset(architectures.ARCHITECTURES) | {"models", "live"}
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def save_live_model(result: LiveResult, name: str, models_dir: str | Path) -> Path:
    """Write ``models_dir/<name>/`` in the registry's format, only when the learner asks.

    Refuses a reserved name and any existing folder that is not itself a
    live-trained model, so a shipped model is never replaced.
    """
    if not NAME_PATTERN.match(name):
        raise ValueError("Use 1 to 40 lowercase letters, digits, '-' or '_' for the name, starting with a "
                         "letter or digit.")
    if name in RESERVED_NAMES:
        raise ValueError(f"{name!r} is the name of a shipped model; choose another one.")
    models_dir = Path(models_dir)
    final = models_dir / name
    if final.exists():
        card_path = final / "model.json"
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        if not card.get("live"):
            raise ValueError(f"models/{name} already holds a model that was not trained on this page; "
                             "choose another name.")
    models_dir.mkdir(parents=True, exist_ok=True)
    temporary = models_dir / f".{name}.live.tmp"
    if temporary.exists():
        shutil.rmtree(temporary)
    temporary.mkdir()
    result.model.save(temporary / "model.keras")
    (temporary / "history.json").write_text(history_to_json(result.history))
    metrics = result.evaluation.as_dict() if result.evaluation is not None else {}
    metrics["evaluated_on"] = "photos held out from the live training"
    (temporary / "metrics.json").write_text(json.dumps(metrics, indent=1))
    card = {
        "name": name,
        "title": f"Live-trained {result.config.architecture} CNN ({name})",
        "architecture": result.config.architecture,
        "kind": "keras",
        "live": True,
        "input_size": [result.config.image_size, result.config.image_size],
        "class_names": list(result.class_names),
        "parameters": int(result.model.count_params()),
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "epochs_requested": result.config.epochs,
        "epochs_run": result.epochs_run,
        "stopped_early": result.stopped_by_user,
        "training_seconds": round(result.training_seconds, 1),
        "batch_size": result.config.batch_size,
        "learning_rate": result.config.learning_rate,
        "augmentation": "live" if result.config.augmentation else "none",
        "dropout": result.config.dropout,
        "dataset_counts": {"train": result.train_counts, "held_out": result.holdout.counts()},
        "test_accuracy": metrics.get("accuracy"),
    }
    (temporary / "model.json").write_text(json.dumps(card, indent=1))
    if final.exists():
        shutil.rmtree(final)
    temporary.rename(final)
    return final
