"""The photos a live training will use, before any is decoded: where from, how many, and their problems.

The page offers the dataset's cats and dogs (when this machine has them) or
the learner's own photos: a zip of class folders and/or one uploader per
class. This module gathers what those give into one set of classes and
describes it; :mod:`core.training.live.photo_sets` does the decoding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.arithmetic.numbers import count_text

#: The two places photos come from, as the page names them.
FOLDER_SOURCE = "cats and dogs"
OWN_SOURCE = "your own photos"

#: The dataset sample: at least, at most and by default this many photos (each mode's preset has its own).
FEWEST_SAMPLE = 20
MOST_SAMPLE = 8000
DEFAULT_SAMPLE = 200

#: Classes as uploads give them: {class name: [(file name, file bytes), ...]}.
ClassFiles = dict[str, list[tuple[str, bytes]]]

#: The same, frozen and sorted, so a cache can be keyed on it.
FrozenClasses = tuple[tuple[str, tuple[tuple[str, bytes], ...]], ...]


def photo_sources(dataset_found: bool) -> list[str]:
    """The sources to offer: the dataset only where this machine has it."""
    return ([FOLDER_SOURCE] if dataset_found else []) + [OWN_SOURCE]


def sample_size_choices(file_count: int, default: int = DEFAULT_SAMPLE,
                        most: int = MOST_SAMPLE) -> tuple[int, int, int]:
    """(fewest, most, default) photos to sample from a dataset of ``file_count`` photos."""
    if file_count < 1:
        raise ValueError("The dataset folder holds no photos to sample.")
    most = min(most, file_count)
    return min(FEWEST_SAMPLE, most), most, max(min(default, most), min(FEWEST_SAMPLE, most))


def default_mode(source: str) -> str:
    """Transfer for the learner's own photos (few photos, seconds); from scratch for the dataset's thousands."""
    return "transfer" if source == OWN_SOURCE else "scratch"


def merge_classes(*groups: Mapping[str, Sequence[tuple[str, bytes]]]) -> ClassFiles:
    """One set of classes from several sources (a zip, the uploaders): same name, same class."""
    merged: ClassFiles = {}
    for group in groups:
        for name, files in group.items():
            merged.setdefault(name, []).extend(files)
    return merged


def freeze_classes(classes: Mapping[str, Sequence[tuple[str, bytes]]]) -> FrozenClasses:
    """Classes sorted by name, as nested tuples (hashable, the same for the same photos)."""
    return tuple(sorted((name, tuple(files)) for name, files in classes.items()))


def photos_per_class(counts: Mapping[str, int]) -> str:
    """'Photos per class: cats: 200, dogs: 200'."""
    return "Photos per class: " + ", ".join(f"{name}: {count}" for name, count in counts.items())


def skipped_title(problems: Sequence[str]) -> str:
    """'3 files skipped', '1 file skipped'."""
    return f"{count_text(len(problems), 'file')} skipped"
