"""Real cat and dog photos from other sources, split once into a fitting half and a reporting half.

The shipped models learned from photos shrunk to 256 px; a class brings sharp
phone photos. ``cats_dogs_photos/`` (a ``manifest.csv`` naming each photo's
class and source) stands for them. It is split once, seeded, within each
source and class, so both halves hold every kind of photo in the same
proportions:

- the **fitting** half may be used for anything (the temperature, the
  "neither" score and its line, choosing between candidates);
- the **reporting** half is only ever measured: the numbers the app and the
  README give about real photos come from it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from core.data.files import LabeledFiles
from core.paths import SHARED_DIR

#: The real photos on the team's machines (read in place, never copied).
DEFAULT_REAL_PHOTOS = SHARED_DIR / "data" / "cats_dogs_photos"

#: The split's seed: fixed, so the halves never change from one fit to the next.
SPLIT_SEED = 21

HALVES = ("fitting", "reporting")

#: The manifest's class words, as the models' class folders name them.
CLASS_FOLDERS = {"cat": "cats", "dog": "dogs"}


def read_manifest(folder: Path) -> list[dict[str, str]]:
    """The manifest's rows (file, class, source_repo, ...), in file order."""
    manifest = Path(folder) / "manifest.csv"
    if not manifest.is_file():
        raise ValueError(f"{folder} has no manifest.csv: it must name each photo's file, class and source_repo.")
    with manifest.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"file", "class", "source_repo"} - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{manifest} lacks the columns {', '.join(sorted(missing))}.")
    return rows


def split_real_photos(folder: Path = DEFAULT_REAL_PHOTOS, class_names: tuple[str, ...] = ("cats", "dogs"),
                      seed: int = SPLIT_SEED) -> dict[str, LabeledFiles]:
    """{"fitting": ..., "reporting": ...}: every (source, class) group shuffled with ``seed`` and halved.

    A group of odd size gives its extra photo to the halves in turn, so the
    halves differ by at most a photo or two overall.
    """
    folder = Path(folder)
    rows = read_manifest(folder)
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        class_folder = CLASS_FOLDERS.get(row["class"], row["class"])
        if class_folder not in class_names:
            raise ValueError(f"{row['file']}: class {row['class']!r} is not one of {', '.join(class_names)}.")
        groups.setdefault((row["source_repo"], class_folder), []).append(row["file"])
    rng = np.random.default_rng(seed)
    halves: dict[str, list[tuple[str, int]]] = {half: [] for half in HALVES}
    odd = 0
    for (_, class_folder), files in sorted(groups.items()):
        order = [files[i] for i in rng.permutation(len(files))]
        cut = len(order) // 2 + (len(order) % 2) * (odd % 2)
        odd += len(order) % 2
        label = class_names.index(class_folder)
        halves["fitting"].extend((name, label) for name in order[:cut])
        halves["reporting"].extend((name, label) for name in order[cut:])
    split = {}
    for half, members in halves.items():
        members.sort()
        paths = tuple(str(folder / name) for name, _ in members)
        for path in paths:
            if not Path(path).is_file():
                raise ValueError(f"The manifest names {path}, which does not exist.")
        split[half] = LabeledFiles(paths, tuple(label for _, label in members), tuple(class_names))
    return split


def source_counts(folder: Path = DEFAULT_REAL_PHOTOS) -> dict[str, int]:
    """Photos per source repository, for the card's description of the set."""
    counts: dict[str, int] = {}
    for row in read_manifest(folder):
        counts[row["source_repo"]] = counts.get(row["source_repo"], 0) + 1
    return counts
