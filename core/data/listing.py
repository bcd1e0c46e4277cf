"""Look at a folder of photos before training on it: count, check, split, augment.

A data set is a folder of class subfolders (``cats/``, ``dogs/``), either on
its own or already split into ``train/``, ``validation/`` and ``test/``. The
same code reads it from disk or from a zip held in memory.

* :func:`list_folder` / :func:`list_zip` (here) count files without decoding them.
* :func:`core.data.check.check_dataset` decodes every photo (or a seeded sample) with
  :func:`core.imaging.decode.decode_image`, the decoder the app and training use, so
  "unreadable" means exactly what they would refuse. It reports empty,
  non-image, truncated, damaged and duplicate files, the image sizes and the
  mean and standard deviation of each colour channel.
* :func:`core.data.split.split_dataset` writes a seeded, class-balanced
  train/validation/test split (80/10/10 by default), leaving out broken files
  and keeping each duplicated photo once, so no photo lands in two splits.
* :func:`core.augment.steps.augmentation_samples` runs
  :func:`core.augment.layers.build_augmentation`, the layers training uses, on one photo.

Command line::

    python -m core.data check FOLDER [--sample 300]
    python -m core.data split SOURCE DEST [--seed 0] [--copy] [--equalize]
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.data.archive import MAX_MEMBER_BYTES, MAX_ZIP_FILES, MAX_ZIP_UNPACKED_BYTES, zip_members
from core.data.files import IMAGE_SUFFIXES, SPLITS

#: Split name used for a folder of class subfolders that is not split yet.
UNSPLIT = "all"


#: Folders skipped while listing (macOS zip clutter).
IGNORED_FOLDERS = ("__MACOSX",)

#: Refuse to list folders with more files than this (someone pointed at their home folder).
MAX_LISTED_FILES = 500_000

Reader = Callable[[str], bytes]

Progress = Callable[[int, int], None]


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
    files.sort(key=lambda item: (split_order(item.split), item.class_name, item.path))
    others.sort(key=lambda item: (split_order(item.split), item.class_name, item.path))
    class_names = tuple(sorted({item.class_name for item in files}))
    if layout == "split":
        splits = tuple(split for split in SPLITS if any(item.split == split for item in files))
    else:
        splits = (UNSPLIT,)
    return DatasetListing(
        source=source, root=root, layout=layout, class_names=class_names, splits=splits,
        files=tuple(files), other_files=tuple(others), stray_files=tuple(sorted(stray)),
    )


def split_order(split: str) -> int:
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
                raise ValueError(f"{folder} holds more than {MAX_LISTED_FILES:,} files; "
                                 "choose the data set folder itself.")
    return listing_from_paths(str(folder), entries)


def folder_reader(folder: str | Path) -> Reader:
    """Read a listed file of ``folder`` by its relative path."""
    base = Path(folder).expanduser()
    return lambda relative: (base / relative).read_bytes()


def list_zip(archive: zipfile.ZipFile, source: str = "upload.zip", max_files: int = MAX_ZIP_FILES,
             max_total_bytes: int = MAX_ZIP_UNPACKED_BYTES) -> DatasetListing:
    """Count the photos inside a zip without extracting anything."""
    infos = zip_members(archive, max_files, max_total_bytes)
    return listing_from_paths(source, ((info.filename, info.file_size) for info in infos))


def zip_reader(archive: zipfile.ZipFile, max_file_bytes: int = MAX_MEMBER_BYTES) -> Reader:
    """Read one member of an open zip (refusing members larger than ``max_file_bytes``)."""
    def read(name: str) -> bytes:
        info = archive.getinfo(name)
        if info.file_size > max_file_bytes:
            raise OSError(f"{name} is {info.file_size / 1e6:.0f} MB, "
                          f"larger than the {max_file_bytes / 1e6:.0f} MB limit.")
        return archive.read(info)
    return read


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
