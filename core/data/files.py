"""The photo files of a dataset: folders of class subfolders listed, split, and read as model-sized pixels.

Photos are decoded with :mod:`core.imaging.decode` (EXIF rotation, CMYK, 16-bit and
all) and resized with the very function the app uses. Batching them for training
(``tf.data``, or in memory under another Keras backend) is :mod:`core.data.pipeline`'s.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.imaging.decode import ImageLoadError, decode_image
from core.imaging.resize import TRAINING_SIDE, network_input
from core.paths import SHARED_DIR

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

    The data check (``core.data.check``) reports and excludes broken files
    before training; this fallback only keeps a run alive if one slips in.
    """
    if isinstance(path, bytes):
        path = path.decode()
    try:
        draft = max(image_size, TRAINING_SIDE)  # never below the side network_input shrinks to
        decoded = decode_image(Path(path).read_bytes(), draft_size=(draft, draft))
        return network_input(decoded.pixels, (image_size, image_size))
    except (ImageLoadError, OSError):
        return np.zeros((image_size, image_size, 3), dtype=np.uint8)


def load_arrays(files: LabeledFiles, image_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every image as a (N, size, size, 3) uint8 array plus labels (decoded on a few threads)."""
    if not files.paths:
        return np.zeros((0, image_size, image_size, 3), np.uint8), np.zeros((0,), np.int32)
    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) + 1)) as pool:
        images = np.stack(list(pool.map(lambda path: load_pixels(path, image_size), files.paths)))
    return images, np.asarray(files.labels, dtype=np.int32)


def split_folder(folder: str | Path) -> dict[str, LabeledFiles]:
    """Read ``folder/{train,validation,test}/<class>/`` as already-split data."""
    folder = Path(folder)
    missing = [split for split in ("train", "validation") if not (folder / split).is_dir()]
    if missing:
        raise ValueError(
            f"{folder} must hold train/ and validation/ (and ideally test/) folders; missing: {', '.join(missing)}. "
            "Split a plain folder of class folders with `python -m core.data split`."
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
    return SHARED_DIR / "data" / "cats_dogs"
