"""Photos for live training: a zip of class folders, uploads per class, or a sample of the dataset folder."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

import numpy as np

from core.data.archive import open_zip_bytes, zip_members
from core.data.files import (
    IMAGE_SUFFIXES,
    LabeledFiles,
    list_labeled_files,
    load_arrays,
)
from core.data.image_set import ImageSet
from core.imaging.decode import ImageLoadError, decode_image
from core.imaging.digest import digest
from core.imaging.resize import TRAINING_SIDE, network_input, resize_for_model

MIN_IMAGES_PER_CLASS = 5

MAX_CLASSES = 10


#: Live training decodes every photo of a zip into memory, so it takes a smaller
#: zip than the dataset page lists (core.data.archive has the general limits).
LIVE_ZIP_MAX_FILES = 3000
LIVE_ZIP_MAX_BYTES = 300 * 1024 * 1024


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


def read_zip_of_classes(data: bytes, *, max_files: int = LIVE_ZIP_MAX_FILES,
                        max_total_bytes: int = LIVE_ZIP_MAX_BYTES
                        ) -> tuple[dict[str, list[tuple[str, bytes]]], list[str]]:
    """Unpack a zip of class folders in memory: ``{class: [(file name, bytes), ...]}`` plus problems.

    Each image's class is the folder it sits in (``cats/a.jpg`` or
    ``photos/cats/a.jpg`` are both class ``cats``). Files at the top level,
    hidden files and macOS ``__MACOSX`` copies are skipped. Raises ValueError
    for a file that is not a zip, or one that unpacks to too many files or bytes.
    """
    archive = open_zip_bytes(data)
    with archive:
        entries = zip_members(archive, max_files, max_total_bytes)
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
    # The same photo twice would count twice, and could land in training and held-out photos at once.
    first_seen: dict[str, str] = {}
    duplicates: list[str] = []
    for class_name in sorted(classes):
        for file_name, data in classes[class_name]:
            try:
                decoded = decode_image(data, draft_size=(max(image_size, TRAINING_SIDE),) * 2)
            except ImageLoadError as error:
                problems.append(f"{class_name}/{file_name}: {error}")
                continue
            key = digest(decoded.pixels)
            if key in first_seen:
                shown = f"{class_name}/{file_name}"
                duplicates.append(f"{shown} (uploaded twice)" if first_seen[key] == shown
                                  else f"{shown} (the same pixels as {first_seen[key]})")
                continue
            first_seen[key] = f"{class_name}/{file_name}"
            readable.setdefault(class_name, []).append(
                (file_name, network_input(decoded.pixels, (image_size, image_size))))
    class_names = tuple(sorted(readable))
    for label, class_name in enumerate(class_names):
        for file_name, pixels in readable[class_name]:
            images.append(pixels)
            labels.append(label)
            names.append(f"{class_name}/{file_name}")
    stacked = np.stack(images) if images else np.zeros((0, image_size, image_size, 3), np.uint8)
    return ImageSet(stacked, np.asarray(labels, dtype=np.int32), class_names, tuple(problems), tuple(names),
                    tuple(duplicates))


def duplicates_sentence(duplicates: Sequence[str]) -> str:
    """What was dropped as an exact duplicate, naming each file ('' when nothing was)."""
    if not duplicates:
        return ""
    noun = "an exact duplicate" if len(duplicates) == 1 else f"{len(duplicates)} exact duplicates"
    return (f"Dropped {noun}, so that no photo counts twice or sits in both the training and the held-out "
            f"photos: {'; '.join(duplicates)}.")


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


#: The held-out photos a finished training keeps (for its gallery of mistakes) are at most this large.
GALLERY_SIDE = 96


def shrink_for_gallery(data: ImageSet, side: int = GALLERY_SIDE) -> ImageSet:
    """The same photos at most ``side`` pixels a side: a session keeps its held-out photos only to show them.

    1,500 photos at 224 px hold 230 MB; at 96 px their held-out fifth is under 10 MB per session.
    """
    if data.image_size <= side or len(data) == 0:
        return data
    small = np.stack([resize_for_model(image, (side, side)) for image in data.images])
    return ImageSet(small, data.labels, data.class_names, data.problems, data.names, data.duplicates)
