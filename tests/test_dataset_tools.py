"""Counting, checking and splitting a folder of class subfolders; the augmentation preview."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.augment.settings import NONE, TRAINING, TUTORIAL, AugmentationSettings
from core.augment.steps import augmentation_samples, augmentation_steps, contrast_range
from core.data import __main__, check
from core.data.archive import open_zip_bytes
from core.data.files import list_labeled_files, split_folder
from core.data.listing import (
    UNSPLIT,
    folder_reader,
    folder_signature,
    list_folder,
    list_zip,
    listing_from_paths,
    zip_reader,
)
from core.data.split import MANIFEST_NAME, plan_split, split_counts, split_dataset
from core.figures import dataset
from tests.conftest import make_class_folder, make_photo_bytes


def plant_problems(root: Path) -> dict[str, str]:
    """Add one file of every kind of problem to a make_class_folder() folder; returns path -> expected kind."""
    cats, dogs = root / "cats", root / "dogs"
    (cats / "empty.jpg").write_bytes(b"")
    (cats / "fake.jpg").write_bytes(b"This is a text file with a .jpg name.\n")
    (cats / "notes.txt").write_text("not a photo")
    photo = make_photo_bytes(200, 150)
    (cats / "cut.jpg").write_bytes(photo[: len(photo) // 2])
    small = make_photo_bytes(64, 48)
    (cats / "damaged.jpg").write_bytes(small[:600] + bytes(200) + small[800:])  # full length, scrambled pixels
    shutil.copyfile(cats / "cats_000.png", cats / "copy_of_cats_000.png")
    Image.open(cats / "cats_001.png").save(cats / "z_reencoded.bmp")  # same pixels, other bytes
    shutil.copyfile(cats / "cats_002.png", dogs / "a_cat_among_dogs.png")
    return {
        "cats/empty.jpg": "non_image",
        "cats/fake.jpg": "non_image",
        "cats/notes.txt": "non_image",
        "cats/cut.jpg": "truncated",
        "cats/damaged.jpg": "unreadable",
        "cats/copy_of_cats_000.png": "duplicate",
        "cats/z_reencoded.bmp": "duplicate",
        "dogs/a_cat_among_dogs.png": "duplicate",
    }


@pytest.fixture
def messy_folder(tmp_path) -> tuple[Path, dict[str, str]]:
    root = make_class_folder(tmp_path / "photos", per_class=10)
    return root, plant_problems(root)


def pixel_digest(path: Path) -> str:
    return hashlib.sha1(np.asarray(Image.open(path).convert("RGB")).tobytes()).hexdigest()


# ----------------------------------------------------------------------------
# Listing
# ----------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------
# Checking
# ----------------------------------------------------------------------------


def test_check_finds_every_planted_problem(messy_folder):
    root, expected = messy_folder
    listing = list_folder(root)
    report = check.check_dataset(listing, folder_reader(root), workers=2)
    assert {issue.path: issue.kind for issue in report.issues} == expected
    assert report.counts_by_kind() == {"non_image": 3, "truncated": 1, "unreadable": 1, "duplicate": 3}
    assert report.good_count == 20
    assert not report.sampled
    by_path = {issue.path: issue for issue in report.issues}
    assert by_path["cats/copy_of_cats_000.png"].reason.startswith("An exact copy of cats/cats_000.png")
    assert by_path["cats/z_reencoded.bmp"].reason.startswith("The same pixels as cats/cats_001.png")
    assert "labelled 'cats' there and 'dogs' here" in by_path["dogs/a_cat_among_dogs.png"].reason
    assert "truncated" in by_path["cats/cut.jpg"].reason
    for issue in report.issues:
        assert issue.action == check.ISSUE_ACTIONS[issue.kind]


def test_sizes_and_channel_statistics_match_numpy(messy_folder):
    root, _ = messy_folder
    report = check.check_dataset(list_folder(root), folder_reader(root))
    # 20 originals + 3 duplicates decode; all generated photos are 40×40.
    assert len(report.widths) == 23
    assert set(report.widths.tolist()) == {40} and set(report.heights.tolist()) == {40}
    assert sorted(set(report.class_indices.tolist())) == [0, 1]
    originals = [np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
                 for path in sorted(root.glob("*/*_0[0-9][0-9].png")) if path.name.startswith(path.parent.name)]
    stacked = np.stack(originals).reshape(-1, 3)
    np.testing.assert_allclose(report.channel_mean, stacked.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(report.channel_std, stacked.std(axis=0), rtol=1e-9)
    assert report.pixel_count == 20 * 40 * 40


def test_a_sample_is_seeded_and_per_class(tmp_path):
    root = make_class_folder(tmp_path / "photos", per_class=12)
    listing = list_folder(root)
    reader = folder_reader(root)
    first = check.check_dataset(listing, reader, sample_per_class=5, seed=3)
    again = check.check_dataset(listing, reader, sample_per_class=5, seed=3)
    other = check.check_dataset(listing, reader, sample_per_class=5, seed=4)
    assert first.sampled and len(first.checked) == 10
    assert first.checked == again.checked != other.checked
    assert sum(path.startswith("cats/") for path in first.checked) == 5
    full = check.check_dataset(listing, reader, sample_per_class=50)
    assert not full.sampled and len(full.checked) == 24
    with pytest.raises(ValueError):
        check.sample_files(listing, 0)


def test_check_works_on_a_zip_in_memory(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for split in ("train", "test"):
            for name in ("cats", "puppies"):
                for number in range(3):
                    archive.writestr(f"mydata/{split}/{name}/{name}{number}.jpg",
                                     make_photo_bytes(30 + number, 20, color=(number * 80, len(name) * 20, 10)))
        archive.writestr("mydata/train/cats/broken.jpg", b"\xff\xd8\xff\xe0 not really")
        archive.writestr("__MACOSX/mydata/train/cats/._cats0.jpg", b"resource fork")
    opened = open_zip_bytes(buffer.getvalue())
    listing = list_zip(opened, "mydata.zip")
    assert listing.root == "mydata" and listing.layout == "split"
    assert listing.counts() == {"train": {"cats": 4, "puppies": 3}, "test": {"cats": 3, "puppies": 3}}
    report = check.check_dataset(listing, zip_reader(opened))
    assert [issue.path for issue in report.issues if issue.kind != "duplicate"] == ["mydata/train/cats/broken.jpg"]
    # The same photo in train and test is a leak, and the report says so.
    leaks = [issue for issue in report.issues if issue.kind == "duplicate"]
    assert len(leaks) == 6 and all("both train and test" in issue.reason for issue in leaks)
    with pytest.raises(ValueError, match="not a valid zip"):
        open_zip_bytes(b"PK but not really")
    with pytest.raises(ValueError, match="limit"):
        list_zip(opened, max_files=5)


# ----------------------------------------------------------------------------
# Splitting
# ----------------------------------------------------------------------------


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


def test_command_line_check_and_split(messy_folder, tmp_path, capsys):
    root, _ = messy_folder
    assert __main__.main(["check", str(root)]) == 0
    printed = capsys.readouterr().out
    assert "truncated" in printed and "cats/cut.jpg" in printed and "usable" in printed
    assert __main__.main(["split", str(root), str(tmp_path / "out"), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "train" in printed and "Left out" in printed
    assert __main__.main(["split", str(root), str(tmp_path / "out")]) == 2
    assert "not empty" in capsys.readouterr().err


# ----------------------------------------------------------------------------
# Augmentation preview
# ----------------------------------------------------------------------------


def test_tutorial_settings_map_to_the_keras_layers():
    steps = {step.layer_name: step for step in augmentation_steps(TUTORIAL)}
    assert list(steps) == ["flip", "rotation", "shift", "shear", "zoom"]
    assert {step.layer_type for step in steps.values()} == {"RandomAffine (geometry)"}
    assert steps["rotation"].settings.startswith("angle from −40° to +40°")
    assert steps["shift"].settings.startswith("up to ±0.2 of the width")
    assert steps["zoom"].settings.startswith("scale factor from 0.8 to 1.2")
    for name in ("rotation", "shift", "shear", "zoom"):
        assert steps[name].settings.endswith("fill_mode='nearest'")
    training = {step.layer_name: step for step in augmentation_steps(TRAINING)}
    assert list(training) == ["flip", "rotation", "shift", "zoom", "contrast"]
    assert training["rotation"].settings.startswith("angle from −15° to +15°")
    assert training["contrast"].layer_type == "RandomLighting (lighting)"
    assert contrast_range(TRAINING) == (pytest.approx(0.9), pytest.approx(1.1))
    assert contrast_range(TUTORIAL) is None
    assert augmentation_steps(NONE) == []
    bright = augmentation_steps(AugmentationSettings(brightness_fraction=0.2))
    assert bright[0].layer_name == "brightness" and "±51" in bright[0].settings


def test_augmentation_samples_are_seeded_random_versions():
    pixels = np.asarray(Image.open(io.BytesIO(make_photo_bytes(90, 60, fmt="PNG"))).convert("RGB"))
    first = augmentation_samples(pixels, TUTORIAL, count=8, seed=1, size=64)
    assert first.shape == (8, 64, 64, 3) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, augmentation_samples(pixels, TUTORIAL, count=8, seed=1, size=64))
    assert not np.array_equal(first, augmentation_samples(pixels, TUTORIAL, count=8, seed=2, size=64))
    assert len({version.tobytes() for version in first}) == 8  # every version differs
    original = augmentation_samples(pixels, NONE, count=3, size=64)
    assert all(np.array_equal(version, original[0]) for version in original)
    flips = augmentation_samples(pixels, AugmentationSettings(horizontal_flip=True), count=16, seed=0,
                                               size=64)
    mirrored = original[0][:, ::-1]
    assert all(np.array_equal(v, original[0]) or np.array_equal(v, mirrored) for v in flips)
    assert any(np.array_equal(v, mirrored) for v in flips) and any(np.array_equal(v, original[0]) for v in flips)
    with pytest.raises(ValueError):
        augmentation_samples(pixels, TUTORIAL, count=0)


# ----------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------


def test_dataset_figures_show_the_numbers():
    counts = {"train": {"cats": 40, "dogs": 24}, "test": {"cats": 5, "dogs": 3}}
    balance = dataset.class_balance_figure(counts)
    assert [trace.name for trace in balance.data] == ["cats", "dogs"]
    assert list(balance.data[0].y) == [40, 5]
    share = dataset.split_share_figure(counts)
    assert share.data[0].name == "train: 64" and share.data[0].text[0] == "89%"
    sizes = dataset.image_size_figure(np.array([10, 20, 30]), np.array([5, 6, 7]), np.array([0, 1, 1]),
                                           ["cats", "dogs"])
    assert list(sizes.data[1].x) == [20, 30] and sizes.data[0].marker.symbol != sizes.data[1].marker.symbol
    stats = dataset.channel_stats_figure((120.0, 110.0, 100.0), (60.0, 55.0, 50.0))
    assert list(stats.data[0].error_y.array) == [60.0, 55.0, 50.0]
