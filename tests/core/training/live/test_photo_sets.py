"""Photos for live training: uploads, zips and folders to arrays, the bad-data messages, the held-out split."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from core.data.files import list_labeled_files
from core.data.image_set import ImageSet
from core.training.live import photo_sets
from harness.photo_files import make_class_folder, make_photo_bytes
from harness.training_images import generated_images
from tests.core.training.samples import make_zip, png


def test_class_count_messages():
    with pytest.raises(ValueError, match="no photos yet"):
        photo_sets.check_class_counts({})
    with pytest.raises(ValueError, match="Only one class .'cats'. has photos"):
        photo_sets.check_class_counts({"cats": 12})
    with pytest.raises(ValueError, match="at least 5 readable photos: 'dogs' has 3"):
        photo_sets.check_class_counts({"cats": 12, "dogs": 3})
    with pytest.raises(ValueError, match="at most"):
        photo_sets.check_class_counts({f"class {i}": 5 for i in range(11)})
    photo_sets.check_class_counts({"cats": 5, "dogs": 5})


def test_decode_uploads_skips_unreadable_files_with_a_reason():
    classes = {
        "dogs": [("d1.jpg", make_photo_bytes(50, 40)), ("notes.txt", b"hello"), ("d2.png", png())],
        "cats": [("c1.jpg", make_photo_bytes(30, 60)), ("empty.jpg", b"")],
    }
    data = photo_sets.decode_class_images(classes, 32)
    assert data.class_names == ("cats", "dogs")  # alphabetical, like folders
    assert data.images.shape == (3, 32, 32, 3) and data.images.dtype == np.uint8
    assert data.labels.tolist() == [0, 1, 1]
    assert data.names == ("cats/c1.jpg", "dogs/d1.jpg", "dogs/d2.png")
    assert data.counts() == {"cats": 1, "dogs": 2}
    assert len(data.problems) == 2
    assert any(problem.startswith("dogs/notes.txt: ") and "image" in problem for problem in data.problems)
    assert any(problem.startswith("cats/empty.jpg: ") and "empty" in problem for problem in data.problems)


def test_a_class_with_only_unreadable_files_disappears():
    data = photo_sets.decode_class_images({"cats": [("a.jpg", b"junk")], "dogs": [("b.png", png())]}, 16)
    assert data.class_names == ("dogs",)
    with pytest.raises(ValueError, match="Only one class"):
        photo_sets.check_class_counts(data.counts())


def test_zip_of_class_folders():
    archive = make_zip({
        "photos/cats/a.png": png(), "photos/cats/b.png": png(),
        "photos/dogs/c.png": png((0, 0, 200)),
        "__MACOSX/photos/cats/._a.png": b"resource fork",
        "photos/.DS_Store": b"finder",
        "readme.txt": b"top level",
        "photos/dogs/notes.txt": b"text",
    })
    classes, problems = photo_sets.read_zip_of_classes(archive)
    assert sorted(classes) == ["cats", "dogs"]
    assert [name for name, _ in classes["cats"]] == ["a.png", "b.png"]
    assert classes["dogs"][0][1] == png((0, 0, 200))
    assert any("readme.txt" in problem and "class folder" in problem for problem in problems)
    assert any("notes.txt" in problem and "not an image" in problem for problem in problems)
    assert not any("MACOSX" in problem or "DS_Store" in problem for problem in problems)


def test_zip_refusals():
    with pytest.raises(ValueError, match="not a valid zip archive"):
        photo_sets.read_zip_of_classes(b"PK but not really")
    many = make_zip({f"cats/{index}.png": b"x" for index in range(6)})
    with pytest.raises(ValueError, match="holds 6 files; the limit here is 5"):
        photo_sets.read_zip_of_classes(many, max_files=5)
    # A zip bomb: 20 MB of zeros compress to a few kilobytes.
    bomb = make_zip({"cats/bomb.png": bytes(20_000_000)}, compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    with pytest.raises(ValueError, match="unpacks to 20 MB"):
        photo_sets.read_zip_of_classes(bomb, max_total_bytes=10_000_000)


def test_subsample_keeps_class_proportions(tmp_path):
    make_class_folder(tmp_path / "train", per_class=10, size=24)
    files = list_labeled_files(tmp_path / "train")
    sample = photo_sets.subsample_files(files, 6, seed=1)
    assert sample.counts() == {"cats": 3, "dogs": 3}
    assert photo_sets.subsample_files(files, 100) is files
    with pytest.raises(ValueError):
        photo_sets.subsample_files(files, 0)
    assert photo_sets.training_folder(tmp_path) == tmp_path / "train"
    assert photo_sets.training_folder(tmp_path / "train") == tmp_path / "train"
    assert photo_sets.training_folder(tmp_path / "nothing") is None
    data = photo_sets.load_folder_sample(tmp_path / "train", 8, 16)
    assert data.images.shape == (8, 16, 16, 3) and data.counts() == {"cats": 4, "dogs": 4}
    assert data.names[0].startswith("cats/")


def test_holdout_split_is_stratified_and_disjoint():
    data = generated_images(per_class=10)
    data = ImageSet(data.images, data.labels, data.class_names, names=tuple(f"p{i}" for i in range(20)))
    train, holdout = photo_sets.split_holdout(data, 0.2, seed=3)
    assert train.counts() == {"cats": 8, "dogs": 8} and holdout.counts() == {"cats": 2, "dogs": 2}
    assert not set(train.names) & set(holdout.names)
    # Small classes still keep one photo out and one in.
    tiny_data = data.subset(np.array([0, 1, 10, 11]))
    train, holdout = photo_sets.split_holdout(tiny_data, 0.1)
    assert train.counts() == {"cats": 1, "dogs": 1} and holdout.counts() == {"cats": 1, "dogs": 1}
    with pytest.raises(ValueError, match="at least 2 photos"):
        photo_sets.split_holdout(data.subset(np.array([0, 10, 11])), 0.2)



def test_exact_duplicates_are_dropped_within_and_across_classes():
    red, blue, green = png((200, 30, 30)), png((30, 30, 200)), png((30, 200, 30))
    # The same pixels under another name (and re-encoded as another format) is still the same photo.
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(red)).save(buffer, format="BMP")
    classes = {
        "cats": [("a.png", red), ("a copy.png", red), ("b.png", blue), ("b.png", blue)],
        "dogs": [("c.png", green), ("a again.bmp", buffer.getvalue())],
    }
    data = photo_sets.decode_class_images(classes, 16)
    assert data.names == ("cats/a.png", "cats/b.png", "dogs/c.png")
    assert data.duplicates == ("cats/a copy.png (the same pixels as cats/a.png)", "cats/b.png (uploaded twice)",
                               "dogs/a again.bmp (the same pixels as cats/a.png)")
    sentence = photo_sets.duplicates_sentence(data.duplicates)
    assert sentence.startswith("Dropped 3 exact duplicates")
    assert "cats/a copy.png" in sentence and "dogs/a again.bmp" in sentence
    assert photo_sets.duplicates_sentence(data.duplicates[:1]).startswith("Dropped an exact duplicate")
    assert photo_sets.duplicates_sentence(()) == ""
    # A photo that only looks alike (one pixel differs) is kept.
    pixels = np.array(Image.open(io.BytesIO(red)))
    pixels[0, 0] = 0
    near = io.BytesIO()
    Image.fromarray(pixels).save(near, format="PNG")
    kept = photo_sets.decode_class_images({"cats": [("a.png", red), ("near.png", near.getvalue())]}, 16)
    assert len(kept) == 2 and kept.duplicates == ()


def test_held_out_photos_are_kept_small_for_the_gallery():
    data = generated_images(per_class=2, size=200)
    small = photo_sets.shrink_for_gallery(data, side=96)
    assert small.images.shape == (4, 96, 96, 3) and small.labels.tolist() == data.labels.tolist()
    assert photo_sets.shrink_for_gallery(generated_images(per_class=2, size=48), side=96).image_size == 48
