"""Gathering the live-training photos before decoding: sources, sample sizes, merged classes and their texts."""

from __future__ import annotations

import pytest

from core.training.live import photo_sources


def test_the_dataset_is_offered_only_where_it_is():
    assert photo_sources.photo_sources(True) == ["cats and dogs", "your own photos"]
    assert photo_sources.photo_sources(False) == ["your own photos"]


@pytest.mark.parametrize("files, default, choices", [
    (9000, 200, (20, 8000, 200)), (150, 200, (20, 150, 150)), (400, 200, (20, 400, 200)),
    (8000, 4000, (20, 8000, 4000)), (10, 4000, (10, 10, 10)),
])
def test_sample_size_choices(files, default, choices):
    assert photo_sources.sample_size_choices(files, default) == choices


def test_own_photos_default_to_transfer_learning():
    assert photo_sources.default_mode(photo_sources.OWN_SOURCE) == "transfer"
    assert photo_sources.default_mode(photo_sources.FOLDER_SOURCE) == "scratch"


def test_an_empty_dataset_cannot_be_sampled():
    with pytest.raises(ValueError, match="no photos"):
        photo_sources.sample_size_choices(0)


def test_classes_from_a_zip_and_the_uploaders_merge_by_name():
    from_zip = {"cats": [("a.png", b"a")], "dogs": [("b.png", b"b")]}
    uploaded = {"dogs": [("c.png", b"c")], "birds": [("d.png", b"d")]}
    merged = photo_sources.merge_classes(from_zip, uploaded)
    assert merged == {"cats": [("a.png", b"a")], "dogs": [("b.png", b"b"), ("c.png", b"c")],
                      "birds": [("d.png", b"d")]}
    assert from_zip["dogs"] == [("b.png", b"b")]  # the sources are left as they were
    assert photo_sources.merge_classes() == {}


def test_frozen_classes_are_sorted_and_hashable():
    frozen = photo_sources.freeze_classes({"dogs": [("b.png", b"b")], "cats": [("a.png", b"a")]})
    assert frozen == (("cats", (("a.png", b"a"),)), ("dogs", (("b.png", b"b"),)))
    assert hash(frozen) == hash(photo_sources.freeze_classes({"cats": [("a.png", b"a")], "dogs": [("b.png", b"b")]}))


def test_texts():
    assert photo_sources.photos_per_class({"cats": 200, "dogs": 180}) == "Photos per class: cats: 200, dogs: 180"
    assert photo_sources.skipped_title(["a", "b", "c"]) == "3 files skipped"
    assert photo_sources.skipped_title(["a"]) == "1 file skipped"


def test_each_mode_caps_the_sample_by_memory():
    assert photo_sources.sample_size_choices(8000, 1500, 3000) == (20, 3000, 1500)
