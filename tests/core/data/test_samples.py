"""Seeded random picks: thumbnails per class and the photo to augment, broken files skipped."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.listing import DatasetListing, folder_reader, list_folder, listing_from_paths
from core.data.samples import random_photo, sample_paths
from harness.photo_files import make_class_folder


def test_sample_paths_are_distinct_per_class_and_seeded():
    listing = listing_from_paths("x", [(f"{name}/{number}.jpg", 1) for name in ("cats", "dogs")
                                       for number in range(10)] + [("birds/only.jpg", 1)])
    picks = sample_paths(listing, seed=3)
    assert list(picks) == ["birds", "cats", "dogs"]
    assert picks["birds"] == ("birds/only.jpg",)
    assert len(picks["cats"]) == len(set(picks["cats"])) == 6
    assert all(path.startswith("dogs/") for path in picks["dogs"])
    assert sample_paths(listing, seed=3) == picks
    assert sample_paths(listing, seed=4) != picks
    assert [len(paths) for paths in sample_paths(listing, 0, per_class=2).values()] == [1, 2, 2]
    with pytest.raises(ValueError, match="at least 1"):
        sample_paths(listing, 0, per_class=0)


def test_random_photo_decodes_one_and_skips_broken_files(tmp_path):
    root = make_class_folder(tmp_path / "photos", per_class=2)
    listing = list_folder(root)
    photo = random_photo(listing, folder_reader(root), seed=0)
    assert photo is not None and photo.source == "dataset"
    assert photo.name in {item.path for item in listing.files}
    assert photo.pixels.shape == (40, 40, 3) and photo.pixels.dtype == np.uint8
    assert random_photo(listing, folder_reader(root), seed=0).digest == photo.digest
    for path in root.glob("*/*.png"):
        path.write_bytes(b"broken")
    assert random_photo(listing, folder_reader(root), seed=0) is None
    empty = DatasetListing(source="x", root="", layout="classes", class_names=(), splits=(), files=(),
                           other_files=())
    with pytest.raises(ValueError, match="no photos"):
        random_photo(empty, folder_reader(root), seed=0)
