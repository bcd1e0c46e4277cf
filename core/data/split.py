"""A seeded, class-proportional, disjoint train/validation/test split of a folder of class folders."""

from __future__ import annotations

import json
import math
import os
import shutil
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from core.data.check import CheckReport, FileIssue, check_dataset
from core.data.files import SPLITS
from core.data.listing import Progress, folder_reader, list_folder

#: Name of the file :func:`split_dataset` writes beside the split folders.
MANIFEST_NAME = "split.json"


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
