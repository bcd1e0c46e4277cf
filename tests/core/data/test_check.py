"""Checking a data set: every planted problem found, statistics that match NumPy, a seeded sample, a zip."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.data import check
from core.data.archive import open_zip_bytes
from core.data.listing import folder_reader, list_folder, list_zip, zip_reader
from harness.photo_files import make_class_folder, make_photo_bytes


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


def test_duplicates_are_found_by_pixels_whatever_the_file_name(tmp_path):
    """Two files with the same pixels are one photo; two photos of different shapes never are."""
    root = make_class_folder(tmp_path / "photos", per_class=3)
    shutil.copyfile(root / "cats" / "cats_000.png", root / "dogs" / "zz_copy.png")
    wide = Image.new("RGB", (6, 4), (10, 20, 30))
    wide.save(root / "cats" / "wide.png")
    wide.transpose(Image.Transpose.ROTATE_90).save(root / "dogs" / "tall.png")  # same bytes of pixels, 4×6
    report = check.check_dataset(list_folder(root), folder_reader(root))
    assert [(issue.path, issue.duplicate_of) for issue in report.issues] == [("dogs/zz_copy.png", "cats/cats_000.png")]


def test_the_report_describes_itself(messy_folder):
    root, _ = messy_folder
    listing = list_folder(root)
    report = check.check_dataset(listing, folder_reader(root))
    assert report.scope_sentence == "Checked all 27 photos."
    assert report.size_sentence.startswith("Widths 40–40 px, heights 40–40 px. Training squeezes every photo")
    table = report.channel_table()
    assert table["channel"] == ["red", "green", "blue"]
    assert table["mean (0-255)"] == [round(value, 1) for value in report.channel_mean]
    assert table["std (0-1)"][0] == pytest.approx(report.channel_std[0] / 255, abs=1e-3)
    issues = report.issue_table()
    assert list(issues) == ["file", "class", "split", "problem", "details"]
    assert dict(zip(issues["file"], issues["problem"]))["cats/cut.jpg"] == "Truncated"
    assert dict(zip(issues["file"], issues["problem"]))["cats/notes.txt"] == "Not images"
    assert report.action_lines() == [
        f"**Not images** (3): {check.ISSUE_ACTIONS['non_image']}",
        f"**Truncated** (1): {check.ISSUE_ACTIONS['truncated']}",
        f"**Unreadable** (1): {check.ISSUE_ACTIONS['unreadable']}",
        f"**Duplicates** (3): {check.ISSUE_ACTIONS['duplicate']}",
    ]
    sampled = check.check_dataset(listing, folder_reader(root), sample_per_class=4)
    assert sampled.scope_sentence.startswith("Checked a random sample of 8 of the 27 photos (up to 4 per class, "
                                             "always the same sample)")
    assert "`python -m core.data check FOLDER`" in sampled.scope_sentence


def test_a_report_without_decoded_photos_has_no_size_sentence(tmp_path):
    for name in ("cats", "dogs"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "empty.jpg").write_bytes(b"")
    report = check.check_dataset(list_folder(tmp_path), folder_reader(tmp_path))
    assert report.size_sentence == "" and report.pixel_count == 0 and report.good_count == 0
    assert report.action_lines() == [f"**Not images** (2): {check.ISSUE_ACTIONS['non_image']}"]

