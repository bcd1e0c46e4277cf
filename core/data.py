"""Input pipeline: folders of class subfolders to ``tf.data`` batches.

Photos are decoded with :mod:`core.images` (EXIF rotation, CMYK, 16-bit and
all) and resized with the very function the app uses, then cached in memory
as uint8 so later epochs skip decoding. Augmentation runs on training batches
only, in parallel, and batches are prefetched while the model trains.

With TensorFlow as the Keras backend (the app's) this is a ``tf.data``
pipeline. Under Keras' JAX or PyTorch backends, on a GPU machine without
TensorFlow, :class:`MemoryBatches` does the same job with the same decoding
and the same augmentation layers.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from core.augment import AugmentationSettings, build_augmentation
from core.images import ImageLoadError, decode_image, resize_for_model

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".heif")
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class LabeledFiles:
    """Image paths with their integer labels, labels indexing ``class_names``."""

    paths: tuple[str, ...]
    labels: tuple[int, ...]
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.paths)

    def counts(self) -> dict[str, int]:
        labels = np.asarray(self.labels, dtype=int)
        return {name: int((labels == index).sum()) for index, name in enumerate(self.class_names)}


def class_folders(folder: str | Path) -> list[Path]:
    """Subfolders of ``folder`` in alphabetical order: class 0, class 1, ..."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder.")
    return sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith("."))


def list_labeled_files(folder: str | Path, class_names: tuple[str, ...] | None = None) -> LabeledFiles:
    """All image files under ``folder/<class>/``, labelled by class folder."""
    folders = class_folders(folder)
    if class_names is None:
        class_names = tuple(path.name for path in folders)
    if len(class_names) < 2:
        raise ValueError(f"{folder} needs at least two class subfolders, found {len(class_names)}.")
    paths: list[str] = []
    labels: list[int] = []
    for label, name in enumerate(class_names):
        class_dir = Path(folder) / name
        if not class_dir.is_dir():
            raise ValueError(f"{folder} has no folder for class {name!r}.")
        files = sorted(p for p in class_dir.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        paths.extend(str(p) for p in files)
        labels.extend([label] * len(files))
    return LabeledFiles(tuple(paths), tuple(labels), tuple(class_names))


def load_pixels(path: str | bytes, image_size: int) -> np.ndarray:
    """Decode one file for training; an unreadable one becomes a black image.

    The data check (``core.dataset_tools``) reports and excludes broken files
    before training; this fallback only keeps a run alive if one slips in.
    """
    if isinstance(path, bytes):
        path = path.decode()
    try:
        decoded = decode_image(Path(path).read_bytes(), draft_size=(image_size, image_size))
        return resize_for_model(decoded.pixels, (image_size, image_size))
    except (ImageLoadError, OSError):
        return np.zeros((image_size, image_size, 3), dtype=np.uint8)


def load_arrays(files: LabeledFiles, image_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every image as a (N, size, size, 3) uint8 array plus labels (decoded on a few threads)."""
    if not files.paths:
        return np.zeros((0, image_size, image_size, 3), np.uint8), np.zeros((0,), np.int32)
    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) + 1)) as pool:
        images = np.stack(list(pool.map(lambda path: load_pixels(path, image_size), files.paths)))
    return images, np.asarray(files.labels, dtype=np.int32)


def label_targets(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """What the loss expects: (N, 1) floats for one sigmoid unit, integer labels for softmax."""
    labels = np.asarray(labels)
    if num_classes == 2:
        return labels.astype(np.float32)[:, None]
    return labels.astype(np.int32)


class MemoryBatches(keras.utils.PyDataset):
    """Batches from photos decoded once into memory, for any Keras backend.

    Same contract as :func:`make_dataset`: float32 pixels 0..255 and targets,
    reshuffled every epoch and augmented on the fly when training.
    """

    def __init__(self, files: LabeledFiles, image_size: int, batch_size: int = 32, *, training: bool = False,
                 augmentation: AugmentationSettings | None = None, seed: int = 0):
        super().__init__()
        self.images, labels = load_arrays(files, image_size)
        self.targets = label_targets(labels, len(files.class_names))
        self.batch_size = batch_size
        self.training = training
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(self.images)) if training else np.arange(len(self.images))
        self.augment = (build_augmentation(augmentation, seed=seed)
                        if training and augmentation is not None and not augmentation.is_identity() else None)

    def __len__(self) -> int:
        return int(np.ceil(len(self.images) / self.batch_size))

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(index)
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        pixels = self.images[chosen].astype(np.float32)
        if self.augment is not None:
            pixels = keras.ops.clip(self.augment(pixels, training=True), 0.0, 255.0)
        return pixels, self.targets[chosen]

    def on_epoch_end(self) -> None:
        if self.training:
            self.order = self.rng.permutation(len(self.images))


def make_dataset(
    files: LabeledFiles,
    image_size: int,
    batch_size: int = 32,
    *,
    training: bool = False,
    augmentation: AugmentationSettings | None = None,
    seed: int = 0,
    cache: bool = True,
) -> tf.data.Dataset | MemoryBatches:
    """A batched, prefetched dataset of (float32 pixels 0..255, targets)."""
    if len(files) == 0:
        raise ValueError("No images to build a dataset from.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if keras.backend.backend() != "tensorflow":
        return MemoryBatches(files, image_size, batch_size, training=training, augmentation=augmentation, seed=seed)
    import tensorflow as tf

    num_classes = len(files.class_names)
    paths = tf.constant(files.paths)
    labels = tf.constant(files.labels, dtype=tf.int32)
    dataset = tf.data.Dataset.from_tensor_slices((paths, labels))

    def decode(path: tf.Tensor, label: tf.Tensor):
        pixels = tf.numpy_function(lambda p: load_pixels(p, image_size), [path], tf.uint8)
        pixels.set_shape((image_size, image_size, 3))
        return pixels, label

    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if cache:
        dataset = dataset.cache()
    if training:
        dataset = dataset.shuffle(min(len(files), 10_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    augment = None
    if training and augmentation is not None and not augmentation.is_identity():
        augment = build_augmentation(augmentation, seed=seed)

    def to_model_input(pixels: tf.Tensor, batch_labels: tf.Tensor):
        pixels = tf.cast(pixels, tf.float32)
        if augment is not None:
            pixels = tf.clip_by_value(augment(pixels, training=True), 0.0, 255.0)
        if num_classes == 2:  # one sigmoid unit: (batch, 1) floats
            return pixels, tf.cast(tf.expand_dims(batch_labels, -1), tf.float32)
        return pixels, batch_labels

    dataset = dataset.map(to_model_input, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def split_folder(folder: str | Path) -> dict[str, LabeledFiles]:
    """Read ``folder/{train,validation,test}/<class>/`` as already-split data."""
    folder = Path(folder)
    missing = [split for split in ("train", "validation") if not (folder / split).is_dir()]
    if missing:
        raise ValueError(
            f"{folder} must hold train/ and validation/ (and ideally test/) folders; missing: {', '.join(missing)}. "
            "Split a plain folder of class folders with `python -m core.dataset_tools split`."
        )
    train = list_labeled_files(folder / "train")
    result = {"train": train, "validation": list_labeled_files(folder / "validation", train.class_names)}
    if (folder / "test").is_dir():
        result["test"] = list_labeled_files(folder / "test", train.class_names)
    return result


def default_data_dir() -> Path:
    """The cats-and-dogs photos: ``CNN_CLASSROOM_DATA`` or ``../shared/data/cats_dogs``."""
    from_env = os.environ.get("CNN_CLASSROOM_DATA")
    if from_env:
        return Path(from_env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cats_dogs"
