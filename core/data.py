"""Input pipeline: folders of class subfolders to ``tf.data`` batches.

Photos are decoded with :mod:`core.images` (EXIF rotation, CMYK, 16-bit and
all) and resized with the very function the app uses, then cached in memory
as uint8 so later epochs skip decoding. Augmentation runs on training batches
only, in parallel, and batches are prefetched while the model trains.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

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
    """Every image as a (N, size, size, 3) uint8 array plus labels (small data sets)."""
    images = np.stack([load_pixels(path, image_size) for path in files.paths]) if files.paths else \
        np.zeros((0, image_size, image_size, 3), np.uint8)
    return images, np.asarray(files.labels, dtype=np.int32)


def _label_target(labels: tf.Tensor, num_classes: int) -> tf.Tensor:
    # One sigmoid unit for two classes, sparse integer labels otherwise.
    if num_classes == 2:
        return tf.cast(tf.expand_dims(labels, -1), tf.float32)
    return labels


def make_dataset(
    files: LabeledFiles,
    image_size: int,
    batch_size: int = 32,
    *,
    training: bool = False,
    augmentation: AugmentationSettings | None = None,
    seed: int = 0,
    cache: bool = True,
) -> tf.data.Dataset:
    """A batched, prefetched dataset of (float32 pixels 0..255, targets)."""
    if len(files) == 0:
        raise ValueError("No images to build a dataset from.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
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
        return pixels, _label_target(batch_labels, num_classes)

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
    import os

    from_env = os.environ.get("CNN_CLASSROOM_DATA")
    if from_env:
        return Path(from_env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cats_dogs"
