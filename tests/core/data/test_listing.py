"""Counting the photos of a folder or a zip from file names alone, and noticing when a folder changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.data import check
from core.data.files import split_folder
from core.data.listing import UNSPLIT, folder_signature, list_folder, listing_from_paths
from harness.photo_files import make_class_folder, make_photo_bytes
from tests.core.data.test_check import plant_problems


@pytest.fixture
def messy_folder(tmp_path) -> tuple[Path, dict[str, str]]:
    root = make_class_folder(tmp_path / "photos", per_class=10)
    return root, plant_problems(root)


def test_listing_counts_classes_without_decoding(messy_folder, monkeypatch):
    root, _ = messy_folder
    monkeypatch.setattr(check, "decode_image", lambda *a, **k: pytest.fail("listing must not decode"))
    listing = list_folder(root)
    assert listing.layout == "classes"
    assert listing.class_names == ("cats", "dogs")
    assert listing.splits == (UNSPLIT,)
    assert listing.counts() == {"all": {"cats": 16, "dogs": 11}}
    assert [item.path for item in listing.other_files] == ["cats/notes.txt"]


def test_listing_of_a_split_folder(tmp_path):
    for split, count in (("train", 6), ("validation", 2), ("test", 3)):
        make_class_folder(tmp_path / "data" / split, per_class=count)
    (tmp_path / "data" / "README.txt").write_text("stray")
    listing = list_folder(tmp_path / "data")
    assert listing.layout == "split"
    assert listing.splits == ("train", "validation", "test")
    assert listing.counts() == {"train": {"cats": 6, "dogs": 6}, "validation": {"cats": 2, "dogs": 2},
                                "test": {"cats": 3, "dogs": 3}}
    assert listing.stray_files == ("README.txt",)
    # The same counts the training pipeline reads.
    assert len(split_folder(tmp_path / "data")["train"]) == 12


@pytest.mark.parametrize(("paths", "root", "layout"), [
    (["PetImages/Cat/1.jpg", "PetImages/Dog/1.jpg", "readme[1].txt", "PetImages/Cat/Thumbs.db"], "PetImages",
     "classes"),
    (["cats_and_dogs_filtered/train/cats/cat.1.jpg", "cats_and_dogs_filtered/train/dogs/dog.1.jpg",
      "cats_and_dogs_filtered/validation/cats/cat.2000.jpg", "cats_and_dogs_filtered/vectorize.py"],
     "cats_and_dogs_filtered", "split"),
    (["cats/a.png", "dogs/b.png", "birds/c.webp"], "", "classes"),
])
def test_the_data_set_root_is_found_below_wrappers(paths, root, layout):
    listing = listing_from_paths("x", [(path, 1) for path in paths])
    assert (listing.root, listing.layout) == (root, layout)
    assert len(listing.files) == sum(path.endswith((".jpg", ".png", ".webp")) for path in paths)


def test_a_folder_without_class_folders_is_a_clear_error(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(make_photo_bytes())
    with pytest.raises(ValueError, match="class folders"):
        list_folder(tmp_path)
    with pytest.raises(ValueError, match="not a folder"):
        list_folder(tmp_path / "missing")


def test_folder_signature_changes_when_a_photo_is_added(tmp_path):
    root = make_class_folder(tmp_path / "photos", per_class=2)
    before = folder_signature(root)
    os.utime(root / "cats", ns=(1, 1))  # make the change visible even on coarse clocks
    (root / "cats" / "new.png").write_bytes(make_photo_bytes(fmt="PNG"))
    assert folder_signature(root) != before

