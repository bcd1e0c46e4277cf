"""Look at a folder of photos before training on it: count, check, split, augment.

A data set is a folder of class subfolders (``cats/``, ``dogs/``), either on
its own or already split into ``train/``, ``validation/`` and ``test/``. The
same code reads it from disk or from a zip held in memory.

* :func:`list_folder` / :func:`list_zip` count files without decoding them.
* :func:`check_dataset` decodes every photo (or a seeded sample) with
  :func:`core.images.decode_image`, the decoder the app and training use, so
  "unreadable" means exactly what they would refuse. It reports empty,
  non-image, truncated, damaged and duplicate files, the image sizes and the
  mean and standard deviation of each colour channel.
* :func:`split_dataset` writes a seeded, class-balanced train/validation/test
  split (80/10/10 by default), leaving out broken files and keeping each
  duplicated photo once, so no photo lands in two splits.
* :func:`augmentation_samples` runs :func:`core.augment.build_augmentation`,
  the layers training uses, on one photo.

Command line::

    python -m core.dataset_tools check FOLDER [--sample 300]
    python -m core.dataset_tools split SOURCE DEST [--seed 0] [--copy] [--equalize]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import shutil
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from typing import TYPE_CHECKING

import numpy as np

from core import images
from core.images import ImageLoadError, decode_image, resize_for_model

if TYPE_CHECKING:  # Keras (and TensorFlow) load only when augmenting, so `check` starts in a second.
    from core.augment import AugmentationSettings

#: The same as ``core.data`` (which imports TensorFlow); a test keeps them equal.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".heif")
SPLITS = ("train", "validation", "test")

#: Split name used for a folder of class subfolders that is not split yet.
UNSPLIT = "all"
#: The kinds of problem the check reports, in the order the page lists them.
ISSUE_KINDS = ("non_image", "truncated", "unreadable", "duplicate")
#: What happens to each kind of problem file.
ISSUE_ACTIONS = {
    "non_image": "Left out by the split. Training only reads files with an image extension, and would use a "
                 "black image for one that does not decode.",
    "truncated": "Left out by the split; if one stayed in a training folder, training would use a black image "
                 "instead (it never crashes on it).",
    "unreadable": "Left out by the split; if one stayed in a training folder, training would use a black image "
                  "instead (it never crashes on it).",
    "duplicate": "Kept once by the split, so the same photo can never be in two splits.",
}
#: Name of the file :func:`split_dataset` writes beside the split folders.
MANIFEST_NAME = "split.json"
#: Folders skipped while listing (macOS zip clutter).
IGNORED_FOLDERS = ("__MACOSX",)
#: Refuse to list folders with more files than this (someone pointed at their home folder).
MAX_LISTED_FILES = 500_000

Reader = Callable[[str], bytes]
Progress = Callable[[int, int], None]


# ----------------------------------------------------------------------------
# Listing: find the classes and splits, count files, decode nothing.
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetFile:
    """One file inside a class folder; ``path`` is relative to the listing's source."""

    path: str  # POSIX path relative to the folder, or the member name inside the zip
    split: str  # "train", "validation", "test", or UNSPLIT
    class_name: str
    size_bytes: int

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class DatasetListing:
    """What a folder holds, from file names alone."""

    source: str  # the folder, or the zip's name
    root: str  # where the class (or split) folders start, relative to the source ("" = the source itself)
    layout: str  # "split" (train/validation/test folders) or "classes" (class folders only)
    class_names: tuple[str, ...]
    splits: tuple[str, ...]  # split folders present, in SPLITS order, or (UNSPLIT,)
    files: tuple[DatasetFile, ...]  # files with an image extension inside class folders
    other_files: tuple[DatasetFile, ...]  # other files inside class folders (training skips them)
    stray_files: tuple[str, ...] = ()  # files outside any class folder (ignored)

    def counts(self) -> dict[str, dict[str, int]]:
        """``{split: {class: number of image files}}`` for every split and class."""
        table = {split: {name: 0 for name in self.class_names} for split in self.splits}
        for item in self.files:
            table[item.split][item.class_name] += 1
        return table

    def class_totals(self) -> dict[str, int]:
        totals = {name: 0 for name in self.class_names}
        for item in self.files:
            totals[item.class_name] += 1
        return totals

    def files_of(self, class_name: str, split: str | None = None) -> list[DatasetFile]:
        return [item for item in self.files
                if item.class_name == class_name and (split is None or item.split == split)]

    def __len__(self) -> int:
        return len(self.files)


def _is_ignored(parts: Sequence[str]) -> bool:
    return any(part.startswith(".") or part in IGNORED_FOLDERS for part in parts)


def _has_image_suffix(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def _find_root(paths: Iterable[str]) -> tuple[str, str]:
    """The shallowest folder that holds split folders or at least two class folders.

    Returns ``(root, layout)``. A class folder is one with image files directly
    inside; a split root holds ``train``/``validation``/``test`` folders that
    hold class folders.
    """
    image_dirs: set[PurePosixPath] = set()
    for path in paths:
        pure = PurePosixPath(path)
        if _has_image_suffix(pure.name):
            image_dirs.add(pure.parent)
    class_parents: dict[PurePosixPath, set[str]] = {}
    for directory in image_dirs:
        if directory.name:
            class_parents.setdefault(directory.parent, set()).add(directory.name)
    candidates: list[tuple[int, int, str, str]] = []
    for parent, classes in class_parents.items():
        depth = 0 if str(parent) == "." else len(parent.parts)
        if parent.name in SPLITS:
            grand = parent.parent
            grand_depth = 0 if str(grand) == "." else len(grand.parts)
            candidates.append((grand_depth, 0, "" if str(grand) == "." else str(grand), "split"))
        if len(classes) >= 2:
            candidates.append((depth, 1, "" if str(parent) == "." else str(parent), "classes"))
    if not candidates:
        raise ValueError(
            "No class folders found: a data set needs one subfolder per class (for example cats/ and dogs/) "
            "with the photos directly inside, optionally under train/, validation/ and test/."
        )
    depth, _, root, layout = min(candidates)
    return root, layout


def listing_from_paths(source: str, entries: Iterable[tuple[str, int]]) -> DatasetListing:
    """Build a listing from ``(relative POSIX path, size in bytes)`` pairs (folder or zip alike)."""
    kept = [(path, size) for path, size in entries if not _is_ignored(PurePosixPath(path).parts)]
    root, layout = _find_root(path for path, _ in kept)
    root_parts = PurePosixPath(root).parts if root else ()
    files: list[DatasetFile] = []
    others: list[DatasetFile] = []
    stray: list[str] = []
    for path, size in kept:
        parts = PurePosixPath(path).parts
        if parts[: len(root_parts)] != root_parts:
            stray.append(path)
            continue
        inner = parts[len(root_parts):]
        if layout == "split":
            if len(inner) != 3 or inner[0] not in SPLITS:
                stray.append(path)
                continue
            split, class_name, name = inner
        else:
            if len(inner) != 2:
                stray.append(path)
                continue
            split, (class_name, name) = UNSPLIT, inner
        item = DatasetFile(path=path, split=split, class_name=class_name, size_bytes=int(size))
        (files if _has_image_suffix(name) else others).append(item)
    files.sort(key=lambda item: (_split_order(item.split), item.class_name, item.path))
    others.sort(key=lambda item: (_split_order(item.split), item.class_name, item.path))
    class_names = tuple(sorted({item.class_name for item in files}))
    if layout == "split":
        splits = tuple(split for split in SPLITS if any(item.split == split for item in files))
    else:
        splits = (UNSPLIT,)
    return DatasetListing(
        source=source, root=root, layout=layout, class_names=class_names, splits=splits,
        files=tuple(files), other_files=tuple(others), stray_files=tuple(sorted(stray)),
    )


def _split_order(split: str) -> int:
    return SPLITS.index(split) if split in SPLITS else len(SPLITS)


def list_folder(folder: str | Path) -> DatasetListing:
    """Count the photos of a folder on disk (class folders, optionally under split folders)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder.")
    entries: list[tuple[str, int]] = []
    for directory, subdirectories, names in os.walk(folder, followlinks=False):
        # Prune hidden and clutter folders in place so os.walk never enters them.
        subdirectories[:] = sorted(d for d in subdirectories if not _is_ignored((d,)))
        relative = Path(directory).relative_to(folder)
        if len(relative.parts) > 4:
            subdirectories[:] = []
        for name in names:
            if name.startswith("."):
                continue
            full = Path(directory) / name
            try:
                size = full.stat().st_size
            except OSError:
                size = 0
            entries.append(((relative / name).as_posix(), size))
            if len(entries) > MAX_LISTED_FILES:
                raise ValueError(f"{folder} holds more than {MAX_LISTED_FILES:,} files; choose the data set folder itself.")
    return listing_from_paths(str(folder), entries)


def folder_reader(folder: str | Path) -> Reader:
    """Read a listed file of ``folder`` by its relative path."""
    base = Path(folder).expanduser()
    return lambda relative: (base / relative).read_bytes()


def list_zip(archive: zipfile.ZipFile, source: str = "upload.zip", max_files: int = 20_000,
             max_total_bytes: int = 2_000_000_000) -> DatasetListing:
    """Count the photos inside a zip without extracting anything."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > max_files:
        raise ValueError(f"The zip holds {len(infos):,} files; the limit here is {max_files:,}.")
    total = sum(info.file_size for info in infos)
    if total > max_total_bytes:
        raise ValueError(f"The zip unpacks to {total / 1e6:,.0f} MB; the limit here is {max_total_bytes / 1e6:,.0f} MB.")
    return listing_from_paths(source, ((info.filename, info.file_size) for info in infos))


def zip_reader(archive: zipfile.ZipFile, max_file_bytes: int = 50 * 1024 * 1024) -> Reader:
    """Read one member of an open zip (refusing members larger than ``max_file_bytes``)."""
    def read(name: str) -> bytes:
        info = archive.getinfo(name)
        if info.file_size > max_file_bytes:
            raise OSError(f"{name} is {info.file_size / 1e6:.0f} MB, larger than the {max_file_bytes / 1e6:.0f} MB limit.")
        return archive.read(info)
    return read


def open_zip_bytes(data: bytes) -> zipfile.ZipFile:
    """Open an uploaded zip held in memory, with a clear error for anything else."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("This file is not a valid zip archive.") from None


def folder_signature(folder: str | Path) -> tuple:
    """A cheap key that changes when files are added to or removed from a data set folder.

    Adding or deleting a file changes its folder's modification time, so the
    times of the folder, its subfolders and their subfolders are enough.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return (str(folder), None)
    stamps = [(str(folder), folder.stat().st_mtime_ns)]
    for child in sorted(folder.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            stamps.append((child.name, child.stat().st_mtime_ns))
            for grandchild in sorted(child.iterdir()):
                if grandchild.is_dir() and not grandchild.name.startswith("."):
                    stamps.append((f"{child.name}/{grandchild.name}", grandchild.stat().st_mtime_ns))
    return tuple(stamps)


# ----------------------------------------------------------------------------
# Checking: decode every photo (or a sample), find broken and duplicate files.
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileIssue:
    """One problem file and why."""

    path: str
    split: str
    class_name: str
    kind: str  # one of ISSUE_KINDS
    reason: str
    duplicate_of: str = ""

    @property
    def action(self) -> str:
        return ISSUE_ACTIONS[self.kind]


@dataclass(frozen=True)
class CheckReport:
    """The result of decoding a data set (or a sample of it)."""

    listing: DatasetListing
    checked: tuple[str, ...]  # paths decoded (all files, or the sample)
    sample_per_class: int | None  # None: every file was checked
    issues: tuple[FileIssue, ...]
    # One entry per photo that decoded (duplicates included), in ``checked`` order:
    image_paths: tuple[str, ...] = ()
    widths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), compare=False)
    heights: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), compare=False)
    class_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), compare=False)
    channel_mean: tuple[float, float, float] = (0.0, 0.0, 0.0)  # 0..255, over unique decoded photos
    channel_std: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pixel_count: int = 0

    @property
    def sampled(self) -> bool:
        return self.sample_per_class is not None and len(self.checked) < len(self.listing.files)

    def issues_of(self, kind: str) -> list[FileIssue]:
        return [issue for issue in self.issues if issue.kind == kind]

    def counts_by_kind(self) -> dict[str, int]:
        return {kind: len(self.issues_of(kind)) for kind in ISSUE_KINDS}

    def excluded_paths(self) -> set[str]:
        """Files a split leaves out: broken ones and every copy of a duplicate but the first."""
        return {issue.path for issue in self.issues}

    @property
    def good_count(self) -> int:
        """Photos checked that decode and are not a copy of another one."""
        bad = {issue.path for issue in self.issues}
        return sum(1 for path in self.checked if path not in bad)


@dataclass(frozen=True)
class _Decoded:
    path: str
    error: str = ""
    kind: str = ""
    byte_hash: str = ""
    pixel_hash: str = ""
    width: int = 0
    height: int = 0
    channel_sum: tuple[float, float, float] = (0.0, 0.0, 0.0)
    channel_square_sum: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pixel_count: int = 0


def classify_load_error(message: str) -> str:
    """Map a :class:`core.images.ImageLoadError` message to an issue kind."""
    lowered = message.lower()
    if message == getattr(images, "TRUNCATED", None) or "truncated" in lowered:
        return "truncated"
    not_images = (getattr(images, "NOT_AN_IMAGE", None), getattr(images, "EMPTY_FILE", None))
    if message in not_images or "empty" in lowered or "not an image" in lowered or "is not a" in lowered:
        return "non_image"
    return "unreadable"


def _decode_one(path: str, reader: Reader) -> _Decoded:
    try:
        data = reader(path)
    except OSError as error:
        return _Decoded(path, error=f"The file could not be read ({error}).", kind="unreadable")
    byte_hash = hashlib.sha1(data).hexdigest()
    try:
        decoded = decode_image(data)
    except ImageLoadError as error:
        return _Decoded(path, error=str(error), kind=classify_load_error(str(error)), byte_hash=byte_hash)
    pixels = decoded.pixels
    height, width = pixels.shape[:2]
    # The shape goes into the hash so a 2×3 and a 3×2 photo with the same bytes differ.
    pixel_hash = hashlib.sha1(f"{height}x{width}".encode() + pixels.tobytes()).hexdigest()
    flat = pixels.reshape(-1, 3)
    channel_sum = flat.sum(axis=0, dtype=np.float64)
    as_float = flat.astype(np.float64)
    channel_square_sum = np.einsum("ij,ij->j", as_float, as_float)
    return _Decoded(
        path, byte_hash=byte_hash, pixel_hash=pixel_hash, width=width, height=height,
        channel_sum=tuple(float(v) for v in channel_sum),
        channel_square_sum=tuple(float(v) for v in channel_square_sum),
        pixel_count=int(flat.shape[0]),
    )


def sample_files(listing: DatasetListing, per_class: int | None, seed: int = 0) -> list[DatasetFile]:
    """Every file, or a seeded random sample of ``per_class`` files from each class (all splits together)."""
    if per_class is None:
        return list(listing.files)
    if per_class < 1:
        raise ValueError(f"The sample needs at least 1 photo per class, got {per_class}.")
    chosen: list[DatasetFile] = []
    for class_name in listing.class_names:
        files = listing.files_of(class_name)
        if len(files) <= per_class:
            chosen.extend(files)
            continue
        rng = np.random.default_rng([seed, zlib.crc32(class_name.encode())])
        picks = np.sort(rng.choice(len(files), size=per_class, replace=False))
        chosen.extend(files[int(index)] for index in picks)
    return chosen


def check_dataset(
    listing: DatasetListing,
    reader: Reader,
    *,
    sample_per_class: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Decode the photos of ``listing`` and report broken and duplicate files.

    Duplicates are photos whose decoded pixels are identical (the SHA-1 of the
    bytes tells an exact copy from a re-encoded one). The first copy in
    split, class, name order is kept; the others are reported. Sizes and
    channel statistics describe the photos that decoded (duplicates counted once).
    """
    chosen = sample_files(listing, sample_per_class, seed)
    by_path = {item.path: item for item in listing.files}
    issues: list[FileIssue] = [
        FileIssue(item.path, item.split, item.class_name, "non_image",
                  f"Not an image file name ({PurePosixPath(item.path).suffix or 'no extension'}); training skips it.")
        for item in listing.other_files
    ]
    workers = workers or min(8, os.cpu_count() or 1)
    results: list[_Decoded] = []
    paths = [item.path for item in chosen]
    # Pillow and zlib release the GIL while decoding, so threads use every core.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for number, result in enumerate(pool.map(lambda path: _decode_one(path, reader), paths), start=1):
            results.append(result)
            if progress is not None:
                progress(number, len(paths))

    first_by_pixels: dict[str, _Decoded] = {}
    widths, heights, class_indices, image_paths = [], [], [], []
    channel_sum = np.zeros(3)
    channel_square_sum = np.zeros(3)
    pixel_count = 0
    class_index = {name: index for index, name in enumerate(listing.class_names)}
    for result in results:
        item = by_path[result.path]
        if result.error:
            issues.append(FileIssue(item.path, item.split, item.class_name, result.kind, result.error))
            continue
        widths.append(result.width)
        heights.append(result.height)
        class_indices.append(class_index[item.class_name])
        image_paths.append(item.path)
        original = first_by_pixels.get(result.pixel_hash)
        if original is None:
            first_by_pixels[result.pixel_hash] = result
            channel_sum += result.channel_sum
            channel_square_sum += result.channel_square_sum
            pixel_count += result.pixel_count
            continue
        issues.append(_duplicate_issue(item, by_path[original.path], same_bytes=original.byte_hash == result.byte_hash))

    if pixel_count:
        mean = channel_sum / pixel_count
        std = np.sqrt(np.maximum(channel_square_sum / pixel_count - mean**2, 0.0))
    else:
        mean = std = np.zeros(3)
    issues.sort(key=lambda issue: (ISSUE_KINDS.index(issue.kind), _split_order(issue.split), issue.class_name, issue.path))
    return CheckReport(
        listing=listing,
        checked=tuple(paths),
        sample_per_class=sample_per_class,
        issues=tuple(issues),
        image_paths=tuple(image_paths),
        widths=np.asarray(widths, np.int32),
        heights=np.asarray(heights, np.int32),
        class_indices=np.asarray(class_indices, np.int32),
        channel_mean=tuple(float(v) for v in mean),
        channel_std=tuple(float(v) for v in std),
        pixel_count=int(pixel_count),
    )


def _duplicate_issue(item: DatasetFile, original: DatasetFile, same_bytes: bool) -> FileIssue:
    what = "An exact copy of" if same_bytes else "The same pixels as"
    reason = f"{what} {original.path}."
    if original.class_name != item.class_name:
        reason += f" It is labelled {original.class_name!r} there and {item.class_name!r} here."
    if original.split != item.split and UNSPLIT not in (original.split, item.split):
        reason += f" It is in both {original.split} and {item.split}: a leak that flatters the {item.split} score."
    return FileIssue(item.path, item.split, item.class_name, "duplicate", reason, duplicate_of=original.path)


# ----------------------------------------------------------------------------
# Splitting: seeded, class-balanced, disjoint.
# ----------------------------------------------------------------------------

DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)


def _check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    if len(fractions) != 3:
        raise ValueError(f"Give three fractions (train, validation, test), got {len(fractions)}.")
    train, validation, test = (float(value) for value in fractions)
    if min(train, validation, test) < 0:
        raise ValueError("Split fractions cannot be negative.")
    if train <= 0:
        raise ValueError("The training fraction must be above 0.")
    if not math.isclose(train + validation + test, 1.0, abs_tol=1e-6):
        raise ValueError(f"Split fractions must add up to 1, got {train + validation + test:g}.")
    return train, validation, test


def split_counts(total: int, fractions: Sequence[float] = DEFAULT_FRACTIONS) -> tuple[int, int, int]:
    """How many of ``total`` files go to train, validation and test (rounded half up)."""
    _, validation, test = _check_fractions(fractions)
    validation_count = int(math.floor(total * validation + 0.5))
    test_count = int(math.floor(total * test + 0.5))
    return total - validation_count - test_count, validation_count, test_count


def plan_split(
    files_by_class: dict[str, Sequence[str]],
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    equalize: bool = False,
) -> dict[str, dict[str, list[str]]]:
    """Assign files to ``{split: {class: [files]}}``.

    Each class is shuffled on its own (seeded by ``seed`` and the class name,
    so adding a class does not move the others' files) and cut in the same
    proportions, so every split has the classes in the same ratio as the whole.
    ``equalize`` first trims every class to the size of the smallest one.
    """
    _check_fractions(fractions)
    if not files_by_class:
        raise ValueError("There are no classes to split.")
    smallest = min(len(files) for files in files_by_class.values())
    plan: dict[str, dict[str, list[str]]] = {split: {} for split in SPLITS}
    for class_name in sorted(files_by_class):
        files = sorted(set(files_by_class[class_name]))
        rng = np.random.default_rng([seed, zlib.crc32(class_name.encode())])
        order = [files[int(index)] for index in rng.permutation(len(files))]
        if equalize:
            order = order[:smallest]
        train_count, validation_count, _ = split_counts(len(order), fractions)
        plan["train"][class_name] = order[:train_count]
        plan["validation"][class_name] = order[train_count:train_count + validation_count]
        plan["test"][class_name] = order[train_count + validation_count:]
    return plan


@dataclass(frozen=True)
class SplitResult:
    """What :func:`split_dataset` wrote."""

    destination: str
    seed: int
    fractions: tuple[float, float, float]
    counts: dict[str, dict[str, int]]  # {split: {class: files}}
    excluded: tuple[FileIssue, ...]
    linked: bool  # True when every file was hard-linked rather than copied

    def total(self, split: str) -> int:
        return sum(self.counts[split].values())


def _place(source: Path, target: Path, copy: bool) -> bool:
    """Hard-link ``source`` to ``target`` (no extra disk space), or copy; True if linked."""
    if not copy:
        try:
            os.link(source, target)
            return True
        except OSError:
            pass  # another file system, or links not allowed: copy instead
    shutil.copy2(source, target)
    return False


def split_dataset(
    source: str | Path,
    destination: str | Path,
    *,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    equalize: bool = False,
    copy: bool = False,
    rename_classes: dict[str, str] | None = None,
    report: CheckReport | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> SplitResult:
    """Write ``destination/{train,validation,test}/<class>/`` from a folder of class folders.

    An already split source (``train/``, ``validation/`` ...) is pooled per
    class and split again. Files the check finds broken are left out, and of
    each group of duplicates only the first is used. ``rename_classes`` maps
    source class folder names to new ones (``{"Cat": "cats"}``).
    """
    fractions = _check_fractions(fractions)
    source = Path(source).expanduser()
    destination = Path(destination).expanduser()
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ValueError(f"{destination} already exists and is not empty; choose a new folder.")
    listing = list_folder(source)
    if report is None:
        report = check_dataset(listing, folder_reader(source), workers=workers, progress=progress)
    elif report.sampled:
        raise ValueError("The split needs a check of every file, not of a sample.")
    elif Path(report.listing.source) != source:
        raise ValueError(f"The check given is of {report.listing.source}, not of {source}.")
    excluded = report.excluded_paths()
    rename_classes = rename_classes or {}
    files_by_class: dict[str, list[str]] = {}
    for item in listing.files:
        if item.path not in excluded:
            files_by_class.setdefault(rename_classes.get(item.class_name, item.class_name), []).append(item.path)
    if len(files_by_class) < 2:
        raise ValueError(f"{source} needs at least two class folders with usable photos, found {len(files_by_class)}.")
    plan = plan_split(files_by_class, fractions, seed, equalize)
    all_linked = True
    counts: dict[str, dict[str, int]] = {}
    for split, classes in plan.items():
        counts[split] = {}
        for class_name, paths in classes.items():
            folder = destination / split / class_name
            folder.mkdir(parents=True, exist_ok=True)
            used_names: set[str] = set()
            for relative in paths:
                name = _unique_name(relative, used_names)
                all_linked &= _place(source / relative, folder / name, copy)
            counts[split][class_name] = len(paths)
    result = SplitResult(
        destination=str(destination), seed=seed, fractions=fractions, counts=counts,
        excluded=tuple(issue for issue in report.issues if issue.path in excluded), linked=all_linked,
    )
    manifest = {
        "source": str(source), "seed": seed, "fractions": list(fractions), "equalize": equalize,
        "counts": counts, "linked": all_linked,
        "excluded": [{"path": issue.path, "kind": issue.kind, "reason": issue.reason} for issue in result.excluded],
    }
    (destination / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2))
    return result


def _unique_name(relative: str, used: set[str]) -> str:
    """The file's own name, or one prefixed with its old split folder when pooling makes two equal."""
    pure = PurePosixPath(relative)
    name = pure.name
    if name.lower() in used:
        prefix = pure.parent.parent.name or "copy"
        name = f"{prefix}_{pure.name}"
        number = 2
        while name.lower() in used:
            name = f"{prefix}{number}_{pure.name}"
            number += 1
    used.add(name.lower())
    return name


# ----------------------------------------------------------------------------
# Augmentation preview: the training layers on one photo.
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AugmentationStep:
    """One Keras layer of the augmentation, with its real settings."""

    layer_name: str
    layer_type: str
    settings: str


def augmentation_steps(settings: AugmentationSettings) -> list[AugmentationStep]:
    """Each random change the settings switch on, the Keras layer that makes it, and its range.

    Read back from the layers :func:`core.augment.build_augmentation` builds
    (their configs), so the table shows what training really uses.
    """
    from core.augment import build_augmentation

    steps = []
    for layer in build_augmentation(settings).layers:
        config = layer.get_config()
        layer_type = f"{type(layer).__name__} ({layer.name})"
        if type(layer).__name__ == "RandomAffine":
            fill = f", fill_mode={config['fill_mode']!r}"
            if config["horizontal_flip"]:
                steps.append(AugmentationStep("flip", layer_type, "mirror left-right with probability 0.5"))
            if config["rotation_degrees"]:
                steps.append(AugmentationStep("rotation", layer_type, f"angle from −{config['rotation_degrees']:g}° "
                                                                      f"to +{config['rotation_degrees']:g}°{fill}"))
            if config["shift_fraction"]:
                steps.append(AugmentationStep("shift", layer_type, f"up to ±{config['shift_fraction']:g} of the width "
                                                                   f"and of the height{fill}"))
            if config["shear_fraction"]:
                steps.append(AugmentationStep("shear", layer_type, f"slant from −{config['shear_fraction']:g} to "
                                                                   f"+{config['shear_fraction']:g}{fill}"))
            if config["zoom_fraction"]:
                zoom = config["zoom_fraction"]
                steps.append(AugmentationStep("zoom", layer_type, f"scale factor from {1 - zoom:g} to {1 + zoom:g}"
                                                                  f"{fill}"))
        elif type(layer).__name__ == "RandomLighting":
            if config["brightness_fraction"]:
                steps.append(AugmentationStep("brightness", layer_type,
                                              f"add up to ±{255 * config['brightness_fraction']:.0f} to every pixel"))
            if config["contrast_fraction"]:
                low, high = contrast_range(settings)
                steps.append(AugmentationStep("contrast", layer_type,
                                              f"distance from the mean × {low:g} to {high:g}"))
    return steps


def contrast_range(settings: AugmentationSettings) -> tuple[float, float] | None:
    """The range the contrast factor is drawn from (None: no contrast step)."""
    from core.augment import contrast_factor_range

    return contrast_factor_range(settings.contrast_fraction) if settings.contrast_fraction else None


def augmentation_samples(
    pixels: np.ndarray,
    settings: AugmentationSettings,
    count: int = 12,
    seed: int = 0,
    size: int = 160,
) -> np.ndarray:
    """``count`` random versions of one photo, as training would make them.

    The photo is first resized to ``size``×``size`` (as training resizes every
    photo), then passed ``count`` times through the augmentation layers in one
    batch. Returns (count, size, size, 3) uint8; the same seed gives the same
    images.
    """
    from core.augment import build_augmentation

    if count < 1 or count > 64:
        raise ValueError(f"count must be between 1 and 64, got {count}.")
    square = resize_for_model(np.asarray(pixels, dtype=np.uint8), (size, size))
    batch = np.repeat(square[None].astype(np.float32), count, axis=0)
    if settings.is_identity():
        return batch.astype(np.uint8)
    augment = build_augmentation(settings, seed=seed)
    output = np.asarray(augment(batch, training=True))
    return np.clip(np.rint(output), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------


def progress_bar(description: str) -> tuple[Progress, Callable[[], None]]:
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=description, unit="photo")
        bar.update(done - bar.n)

    def close() -> None:
        if bar is not None:
            bar.close()

    return update, close


def format_report(report: CheckReport, limit: int = 20) -> str:
    """A plain-text summary of a check for the terminal."""
    listing = report.listing
    lines = [f"{listing.source}: {len(listing.files):,} photos, layout {listing.layout!r}"
             + (f" under {listing.root}/" if listing.root else "")]
    for split, classes in listing.counts().items():
        lines.append(f"  {split:<10} " + ", ".join(f"{name}: {count:,}" for name, count in classes.items()))
    scope = (f"a sample of {len(report.checked):,} photos ({report.sample_per_class} per class)"
             if report.sampled else f"all {len(report.checked):,} photos")
    lines.append(f"Checked {scope}: {report.good_count:,} usable.")
    for kind, count in report.counts_by_kind().items():
        lines.append(f"  {kind:<11} {count:,}")
    for issue in report.issues[:limit]:
        lines.append(f"  - {issue.path}: {issue.kind}: {issue.reason}")
    if len(report.issues) > limit:
        lines.append(f"  ... and {len(report.issues) - limit:,} more")
    if report.pixel_count:
        mean = ", ".join(f"{value:.1f}" for value in report.channel_mean)
        std = ", ".join(f"{value:.1f}" for value in report.channel_std)
        lines.append(f"Pixel mean (R, G, B): {mean}; standard deviation: {std} (0..255 scale)")
    if listing.stray_files:
        lines.append(f"{len(listing.stray_files):,} files outside the class folders were ignored.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.dataset_tools", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="count and verify the photos of a folder")
    check.add_argument("folder")
    check.add_argument("--sample", type=int, default=None, help="check only this many photos per class")
    check.add_argument("--seed", type=int, default=0)
    check.add_argument("--workers", type=int, default=None)
    split = commands.add_parser("split", help="write a seeded train/validation/test split of a folder")
    split.add_argument("source")
    split.add_argument("destination")
    split.add_argument("--seed", type=int, default=0)
    split.add_argument("--fractions", type=float, nargs=3, default=DEFAULT_FRACTIONS,
                       metavar=("TRAIN", "VALIDATION", "TEST"))
    split.add_argument("--equalize", action="store_true", help="trim every class to the smallest one")
    split.add_argument("--copy", action="store_true", help="copy files instead of hard-linking them")
    split.add_argument("--workers", type=int, default=None)
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            listing = list_folder(arguments.folder)
            update, close = progress_bar("Checking")
            try:
                report = check_dataset(listing, folder_reader(arguments.folder), sample_per_class=arguments.sample,
                                       seed=arguments.seed, workers=arguments.workers, progress=update)
            finally:
                close()
            print(format_report(report))
            return 0
        update, close = progress_bar("Checking")
        try:
            result = split_dataset(arguments.source, arguments.destination, fractions=arguments.fractions,
                                   seed=arguments.seed, equalize=arguments.equalize, copy=arguments.copy,
                                   workers=arguments.workers, progress=update)
        finally:
            close()
        print(format_split(result))
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def format_split(result: SplitResult) -> str:
    lines = [f"Wrote {result.destination} (seed {result.seed}, "
             f"{'hard links' if result.linked else 'copies'}):"]
    for split, classes in result.counts.items():
        lines.append(f"  {split:<10} {sum(classes.values()):>6,}  "
                     + ", ".join(f"{name}: {count:,}" for name, count in classes.items()))
    if result.excluded:
        kinds = {}
        for issue in result.excluded:
            kinds[issue.kind] = kinds.get(issue.kind, 0) + 1
        lines.append("Left out: " + ", ".join(f"{count:,} {kind}" for kind, count in kinds.items())
                     + f" (listed in {MANIFEST_NAME}).")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
