"""The nearest training photos: hand-made banks whose nearest rows and distances are known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain.nearest_photos import (
    GET_PHOTOS,
    THUMBNAIL_SIDE,
    layer_line,
    nearest,
    nearest_photos,
    photo_path,
    thumbnail,
)
from core.explain.neighbour_bank import NeighbourBank, fit_bank
from harness.photo_files import make_photo_bytes

CLASSES = ("cats", "dogs")


def hand_bank(rows, labels, files=None, typical=None) -> NeighbourBank:
    """A bank of unit rows, as they are."""
    rows = np.asarray(rows, dtype=np.float32)
    files = files or tuple(f"train/{CLASSES[label]}/{index:02d}.jpg" for index, label in enumerate(labels))
    return NeighbourBank("final dense input", CLASSES, rows, np.asarray(labels), tuple(files), typical)


def unit(angle_degrees: float) -> list[float]:
    """A unit row at this angle from the query (1, 0): its distance to the query is 1 - cos(angle)."""
    angle = np.radians(angle_degrees)
    return [float(np.cos(angle)), float(np.sin(angle))]


def eight_around(labels) -> NeighbourBank:
    """Eight rows at 0°, 10°, ... 70° from the query, labelled in that order, and two far rows (cats)."""
    rows = [unit(10 * rank) for rank in range(8)] + [unit(120), unit(180)]
    return hand_bank(rows, list(labels) + [0, 0])


def test_the_nearest_rows_come_first_with_one_minus_their_cosine_as_distance():
    bank = hand_bank([[0, 1], [1, 0], [0.6, 0.8], [-1, 0], [0.8, 0.6]], [0, 1, 1, 0, 0])
    indices, distances = nearest(bank, np.array([1.0, 0.0]), count=5)
    assert list(indices) == [1, 4, 2, 0, 3]
    np.testing.assert_allclose(distances, [0.0, 0.2, 0.4, 1.0, 2.0], atol=1e-6)


def test_a_brighter_copy_of_the_features_has_the_same_neighbours():
    bank = hand_bank([[0, 1], [1, 0], [0.6, 0.8], [0.8, 0.6]], [0, 1, 1, 0])
    dim, bright = nearest(bank, np.array([0.1, 0.0]), 3), nearest(bank, np.array([50.0, 0.0]), 3)
    assert list(dim[0]) == list(bright[0]) == [1, 3, 2]
    np.testing.assert_allclose(dim[1], bright[1], atol=1e-6)


def test_equal_distances_keep_the_banks_order_also_at_the_cut():
    bank = hand_bank([[0, 1], [0.6, 0.8], [1, 0], [0.6, 0.8], [0.6, 0.8], [1, 0]], [0, 1, 1, 0, 1, 0])
    indices, distances = nearest(bank, np.array([1.0, 0.0]), count=4)
    assert list(indices) == [2, 5, 1, 3]  # index 4 ties with 1 and 3 but comes later
    np.testing.assert_allclose(distances, [0.0, 0.0, 0.4, 0.4], atol=1e-6)


def test_asking_for_more_than_the_bank_holds_gives_every_row():
    bank = hand_bank([[0, 1], [1, 0]], [0, 1])
    indices, _ = nearest(bank, np.array([1.0, 0.0]), count=8)
    assert list(indices) == [1, 0]


def test_six_dogs_of_eight_against_a_cat_answer_is_said_so(tmp_path):
    result = nearest_photos(eight_around([1, 1, 0, 1, 1, 0, 1, 1]), np.array([1.0, 0.0]), "cat", 0, tmp_path)
    assert [neighbour.label for neighbour in result.neighbours] == ["dogs", "dogs", "cats", "dogs", "dogs", "cats",
                                                                    "dogs", "dogs"]
    assert result.summary == "6 of the 8 nearest training photos are dogs and 2 are cats; the model answered cat."
    assert result.reading.startswith("Most of the training photos it finds most similar are dogs, yet its best "
                                     "guess is cat")
    assert result.distances.endswith("These run from 0 (nearest) to 0.658.")  # 1 - cos 70°
    assert [neighbour.caption for neighbour in result.neighbours[:3]] == ["1. dog · 0", "2. dog · 0.0152",
                                                                          "3. cat · 0.0603"]
    assert "2 features the final layer reads" in result.distances
    assert "among 10 training photos" in result.distances


def test_a_unanimous_and_agreeing_neighbourhood(tmp_path):
    result = nearest_photos(eight_around([1] * 8), np.array([1.0, 0.0]), "dog", 1, tmp_path)
    assert result.summary == "All 8 nearest training photos are dogs; the model answered dog."
    assert result.reading.startswith("Its answer agrees with most of the training photos it finds most similar: if it "
                                     "is wrong")


def test_an_even_split_and_a_single_other_photo_are_worded(tmp_path):
    even = nearest_photos(eight_around([1, 0, 1, 0, 1, 0, 1, 0]), np.array([1.0, 0.0]), "not sure", 1, tmp_path)
    assert even.summary == ("4 of the 8 nearest training photos are cats and 4 are dogs; the model was not sure "
                            "(its best guess: dog).")
    assert even.majority is None
    assert "split evenly" in even.reading
    one = nearest_photos(eight_around([1, 1, 1, 1, 1, 1, 1, 0]), np.array([1.0, 0.0]), "neither", 1, tmp_path)
    assert one.summary == ("7 of the 8 nearest training photos are dogs and 1 is a cat; the model called it "
                           "neither (its best guess: dog).")
    assert one.reading.startswith("Its best guess, dog, agrees")


def test_photos_on_this_machine_are_found_and_the_missing_ones_counted(tmp_path):
    bank = eight_around([1, 1, 0, 1, 1, 0, 1, 1])
    for file in bank.files[:5]:
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_bytes(b"jpeg")
    result = nearest_photos(bank, np.array([1.0, 0.0]), "dog", 1, tmp_path)
    assert [neighbour.on_disk for neighbour in result.neighbours] == [True] * 5 + [False] * 3
    assert result.neighbours[0].path == tmp_path / "train/dogs/00.jpg"
    assert result.photos_line.startswith(f"3 of the 8 photos are not on this machine (looked in {tmp_path})")
    assert GET_PHOTOS[0] in result.photos_line  # how to get the dataset
    for file in bank.files[5:8]:
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_bytes(b"jpeg")
    assert nearest_photos(bank, np.array([1.0, 0.0]), "dog", 1, tmp_path).photos_line == ""


def test_no_photo_here_still_gives_labels_and_distances(tmp_path):
    result = nearest_photos(eight_around([0] * 8), np.array([1.0, 0.0]), "cat", 0, tmp_path / "nowhere")
    assert result.photos_line.startswith("The photos are not on this machine")
    assert [round(neighbour.distance, 3) for neighbour in result.neighbours] == [
        0.0, 0.015, 0.06, 0.134, 0.234, 0.357, 0.5, 0.658]  # 1 - cos 0°, 10°, ... 70°


def test_a_fitted_bank_gives_the_cosine_distance_of_the_raw_features(tmp_path):
    rng = np.random.default_rng(0)
    features = np.maximum(rng.normal(size=(200, 12)), 0) + 0.01  # ReLU-like
    bank = fit_bank(features, rng.integers(0, 2, 200), [f"{i}.jpg" for i in range(200)], CLASSES)
    query = np.maximum(rng.normal(size=12), 0) + 0.01
    cosine = features @ query / (np.linalg.norm(features, axis=1) * np.linalg.norm(query))
    indices, distances = nearest(bank, query * 7.0)
    np.testing.assert_allclose(distances, np.sort(1 - cosine)[:8], atol=2e-3)  # the rows are stored as float16
    assert list(indices) == list(np.argsort(1 - cosine)[:8])

    bank.save(tmp_path / "bank.npz")
    loaded = NeighbourBank.load(tmp_path / "bank.npz")
    assert loaded.files == bank.files and loaded.class_names == CLASSES
    assert list(nearest(loaded, query, 8)[0]) == list(indices)
    assert loaded.typical_distance == pytest.approx(bank.typical_distance)


def test_the_typical_distance_is_that_of_two_photos_picked_at_random(tmp_path):
    features = np.eye(40) * 3.0  # every photo orthogonal to every other: any two are 1 apart
    bank = fit_bank(features, [0, 1] * 20, [f"{i}.jpg" for i in range(40)], CLASSES)
    assert bank.typical_distance == pytest.approx(1.0)
    result = nearest_photos(bank, features[3], "cat", 0, tmp_path, count=2)
    assert result.distances.endswith("These run from 0 (nearest) to 1.000; two training photos picked at random are "
                                     "typically 1.000 apart.")


def test_wrong_inputs_are_refused_with_a_reason(tmp_path):
    bank = hand_bank([[0, 1], [1, 0]], [0, 1])
    with pytest.raises(ValueError, match="built from 2 features"):
        nearest(bank, np.ones(3))
    with pytest.raises(ValueError, match="at least one neighbour"):
        nearest(bank, np.ones(2), count=0)
    with pytest.raises(ValueError, match="best guess 2"):
        nearest_photos(bank, np.ones(2), "cat", 2, tmp_path)
    with pytest.raises(ValueError, match="one row and one label per file"):
        hand_bank([[0, 1], [1, 0]], [0, 1, 1])


ESCAPES = ("../../etc/passwd", "/etc/passwd", "train/../../secret.jpg", "C:\\photos\\cat.jpg", "train\\cat.jpg", "")


@pytest.mark.parametrize("file", ESCAPES)
def test_a_bank_naming_a_file_outside_the_data_folder_is_refused(file, tmp_path):
    with pytest.raises(ValueError, match="relative to the data folder"):
        hand_bank([[0, 1], [1, 0]], [0, 1], files=("train/cats/ok.jpg", file))
    stored = tmp_path / "bank.npz"
    np.savez_compressed(stored, layer=np.array("final dense input"), class_names=np.array(CLASSES),
                        rows=np.eye(2, dtype=np.float16), labels=np.array([0, 1], np.uint8),
                        files=np.array(["train/cats/ok.jpg", file]), typical_distance=np.array(np.nan))
    with pytest.raises(ValueError, match="relative to the data folder"):
        NeighbourBank.load(stored)  # a shipped file edited by hand is refused too


def test_only_files_inside_the_data_folder_are_ever_opened(tmp_path):
    """Even a bank that slipped past its own check, or a link in the data folder, opens nothing outside it."""
    data, outside = tmp_path / "data", tmp_path / "outside"
    (data / "train" / "cats").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(make_photo_bytes())
    (data / "train" / "cats" / "link.jpg").symlink_to(outside / "secret.jpg")
    (data / "train" / "cats" / "ok.jpg").write_bytes(make_photo_bytes())
    secret = str(outside / "secret.jpg")
    for file in ("../outside/secret.jpg", secret, "train/cats/link.jpg", "train/cats", "train/cats/none.jpg"):
        assert photo_path(data, file) is None, file
    assert photo_path(data, "train/cats/ok.jpg") == (data / "train/cats/ok.jpg").resolve()

    bank = hand_bank([[1, 0], [0.9, 0.1], [0.8, 0.2], [0.7, 0.3]], [0, 0, 0, 0])
    object.__setattr__(bank, "files", ("../outside/secret.jpg", secret, "train/cats/link.jpg", "train/cats/ok.jpg"))
    result = nearest_photos(bank, np.array([1.0, 0.0]), "cat", 0, data, count=4)
    assert [n.on_disk for n in result.neighbours] == [False, False, False, True]
    assert [thumbnail(n) is None for n in result.neighbours] == [True, True, True, False]
    assert result.photos_line.startswith("3 of the 4 photos are not on this machine")


def test_a_photo_shown_is_decoded_straight_to_a_small_thumbnail(tmp_path):
    (tmp_path / "train" / "dogs").mkdir(parents=True)
    (tmp_path / "train/dogs/big.jpg").write_bytes(make_photo_bytes(2400, 1600))
    (tmp_path / "train/dogs/broken.jpg").write_bytes(b"not a photo")
    bank = hand_bank([[1, 0], [0, 1]], [1, 1], files=("train/dogs/big.jpg", "train/dogs/broken.jpg"))
    big, broken = nearest_photos(bank, np.array([1.0, 0.0]), "dog", 1, tmp_path).neighbours
    assert thumbnail(big).shape == (THUMBNAIL_SIDE, THUMBNAIL_SIDE, 3)  # its centre square, shrunk
    assert thumbnail(broken) is None  # on disk, but not a photo: the page shows its label and distance instead
    assert big.alt(2) == "Training photo 1 of 2: dog, distance 0"
    assert broken.alt(2) == "Training photo 2 of 2: dog, distance 1.000"


def test_the_cards_entry_names_the_layer_on_the_page():
    entry = {"layer": "final dense input", "dimensions": 512, "distance": "cosine", "photos": 8000, "split": "train"}
    assert layer_line(entry) == ("Layer compared, from the model's card: **final dense input**, the 512 numbers its "
                                 "final Dense layer reads, by cosine distance, over 8,000 training photos.")
