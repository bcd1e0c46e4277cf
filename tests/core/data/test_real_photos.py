"""core/data/real_photos.py: the real photos split once, seeded, within each source and class."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from core.data.real_photos import DEFAULT_REAL_PHOTOS, split_real_photos
from tests.support.real_photos import make_real_folder
from tests.support.requirements import require


def group_counts(files, folder: Path) -> Counter:
    sources = {row["file"]: (row["source_repo"], row["class"])
               for row in csv.DictReader((folder / "manifest.csv").open())}
    return Counter(sources[str(Path(path).relative_to(folder))] for path in files.paths)


def test_each_source_and_class_is_halved_and_no_photo_is_in_both_halves(tmp_path):
    groups = {("a", "cat"): 10, ("a", "dog"): 7, ("b", "cat"): 3, ("c", "dog"): 1}
    folder = make_real_folder(tmp_path / "real", groups)
    halves = split_real_photos(folder)
    fitting, reporting = halves["fitting"], halves["reporting"]
    assert not set(fitting.paths) & set(reporting.paths)
    assert len(fitting) + len(reporting) == sum(groups.values())
    fit_counts, report_counts = group_counts(fitting, folder), group_counts(reporting, folder)
    for group, count in groups.items():
        assert fit_counts[group] + report_counts[group] == count
        assert abs(fit_counts[group] - report_counts[group]) <= 1, group
    assert abs(len(fitting) - len(reporting)) <= 1  # odd groups give their extra photo to the halves in turn
    # Labels follow the class folders: cats 0, dogs 1.
    for path, label in zip(reporting.paths, reporting.labels):
        assert label == (0 if "/cats/" in path else 1)


def test_the_split_is_the_same_every_time_and_another_seed_gives_another(tmp_path):
    folder = make_real_folder(tmp_path / "real", {("a", "cat"): 20, ("a", "dog"): 20})
    assert split_real_photos(folder) == split_real_photos(folder)
    assert split_real_photos(folder)["reporting"].paths != split_real_photos(folder, seed=1)["reporting"].paths


def test_a_manifest_naming_a_missing_file_or_an_unknown_class_is_a_clear_error(tmp_path):
    folder = make_real_folder(tmp_path / "real", {("a", "cat"): 2})
    (folder / "cats" / "cat_a_000.jpg").unlink()
    with pytest.raises(ValueError, match="does not exist"):
        split_real_photos(folder)
    other = make_real_folder(tmp_path / "other", {("a", "horse"): 2})
    with pytest.raises(ValueError, match="not one of"):
        split_real_photos(other)
    with pytest.raises(ValueError, match="no manifest.csv"):
        split_real_photos(tmp_path)


def test_the_shared_real_photos_split_into_two_halves_of_every_source():
    require(DEFAULT_REAL_PHOTOS.is_dir(), "../shared/data/cats_dogs_photos")
    halves = split_real_photos()
    assert len(halves["fitting"]) + len(halves["reporting"]) == 300
    assert abs(len(halves["fitting"]) - len(halves["reporting"])) <= 2
    fit, report = group_counts(halves["fitting"], DEFAULT_REAL_PHOTOS), \
        group_counts(halves["reporting"], DEFAULT_REAL_PHOTOS)
    assert set(fit) == set(report)  # every source and class is in both halves
