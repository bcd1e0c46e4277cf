"""The seeded, class-proportional, disjoint train/validation/test split."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.data import check
from core.data.files import list_labeled_files, split_folder
from core.data.listing import folder_reader, list_folder
from core.data.split import MANIFEST_NAME, plan_split, split_counts, split_dataset
from harness.photo_files import make_class_folder
from tests.core.data.test_check import plant_problems


def pixel_digest(path: Path) -> str:
    """The test's own digest of a photo's pixels (independent of the code under test)."""
    return hashlib.sha1(np.asarray(Image.open(path).convert("RGB")).tobytes()).hexdigest()


def test_split_counts_and_plan_are_balanced_and_seeded():
    assert split_counts(100) == (80, 10, 10)
    assert split_counts(12_491) == (9_993, 1_249, 1_249)
    assert sum(split_counts(7)) == 7
    files = {"cats": [f"c{i}" for i in range(50)], "dogs": [f"d{i}" for i in range(30)]}
    plan = plan_split(files, seed=1)
    assert {split: {name: len(paths) for name, paths in classes.items()} for split, classes in plan.items()} == {
        "train": {"cats": 40, "dogs": 24}, "validation": {"cats": 5, "dogs": 3}, "test": {"cats": 5, "dogs": 3}}
    assert plan == plan_split(files, seed=1)
    assert plan != plan_split(files, seed=2)
    # Adding a class does not move the other classes' files.
    with_birds = plan_split({**files, "birds": ["b1", "b2"]}, seed=1)
    assert with_birds["test"]["cats"] == plan["test"]["cats"]
    equal = plan_split(files, seed=1, equalize=True)
    assert sum(len(equal[split]["cats"]) for split in equal) == 30
    for bad in ((0.5, 0.5), (0.8, 0.3, 0.1), (0.0, 0.5, 0.5), (0.9, -0.1, 0.2)):
        with pytest.raises(ValueError):
            plan_split(files, bad)


def test_split_writes_disjoint_balanced_folders_without_broken_files(tmp_path):
    source = make_class_folder(tmp_path / "photos", per_class=50)
    plant_problems(source)
    destination = tmp_path / "split"
    result = split_dataset(source, destination, seed=7)
    assert result.counts == {"train": {"cats": 40, "dogs": 40}, "validation": {"cats": 5, "dogs": 5},
                             "test": {"cats": 5, "dogs": 5}}
    assert result.linked
    written = {split: sorted(p.relative_to(destination / split).as_posix()
                             for p in (destination / split).glob("*/*")) for split in ("train", "validation", "test")}
    everything = [name for names in written.values() for name in names]
    assert len(everything) == len(set(everything)) == 100
    for name in ("empty.jpg", "fake.jpg", "notes.txt", "cut.jpg", "damaged.jpg"):
        assert not any(path.endswith(name) for path in everything)
    # No photo (by decoded pixels) is in two splits, and each duplicate is kept once.
    digests = {split: {pixel_digest(destination / split / name) for name in names} for split, names in written.items()}
    assert not digests["train"] & digests["validation"]
    assert not digests["train"] & digests["test"]
    assert not digests["validation"] & digests["test"]
    assert sum(len(values) for values in digests.values()) == 100
    # Hard links: the same file on disk, no copy.
    linked = destination / "train" / "cats" / written["train"][0].split("/")[1]
    assert os.stat(linked).st_ino == os.stat(source / "cats" / linked.name).st_ino
    manifest = json.loads((destination / MANIFEST_NAME).read_text())
    assert manifest["seed"] == 7 and len(manifest["excluded"]) == 8
    # The training pipeline reads the result as is.
    assert split_folder(destination)["train"].counts() == {"cats": 40, "dogs": 40}


def test_split_is_seeded(tmp_path):
    source = make_class_folder(tmp_path / "photos", per_class=20)

    def test_files(destination: Path) -> list[str]:
        return sorted(p.name for p in (destination / "test").glob("*/*"))

    split_dataset(source, tmp_path / "a", seed=5, copy=True)
    split_dataset(source, tmp_path / "b", seed=5, copy=True)
    split_dataset(source, tmp_path / "c", seed=6, copy=True)
    assert test_files(tmp_path / "a") == test_files(tmp_path / "b") != test_files(tmp_path / "c")
    copied = next((tmp_path / "a" / "train" / "cats").iterdir())
    assert os.stat(copied).st_ino != os.stat(source / "cats" / copied.name).st_ino


def test_split_pools_a_split_source_and_renames_classes(tmp_path):
    make_class_folder(tmp_path / "raw" / "train", classes=("Cat", "Dog"), per_class=16)
    # Same file names in validation: pooling must keep both.
    make_class_folder(tmp_path / "raw" / "validation", classes=("Cat", "Dog"), per_class=4, size=41)
    result = split_dataset(tmp_path / "raw", tmp_path / "out", rename_classes={"Cat": "cats",
                                                                                              "Dog": "dogs"})
    assert result.counts["train"] == {"cats": 16, "dogs": 16}
    assert sum(result.total(split) for split in ("train", "validation", "test")) == 40
    assert list_labeled_files(tmp_path / "out" / "test").class_names == ("cats", "dogs")


def test_split_refuses_a_non_empty_destination_and_a_sampled_check(tmp_path):
    source = make_class_folder(tmp_path / "photos", per_class=5)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        split_dataset(source, tmp_path / "taken")
    sampled = check.check_dataset(list_folder(source), folder_reader(source),
                                          sample_per_class=2)
    with pytest.raises(ValueError, match="sample"):
        split_dataset(source, tmp_path / "new", report=sampled)

