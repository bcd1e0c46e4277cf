"""A shipped model's scores on a class-balanced sample of the test photos (for its ROC curve)."""

from __future__ import annotations

import pytest

from core.training.roc_scores import positive_class_scores
from harness.photo_files import make_class_folder
from tests.core.training.samples import green_is_dog_model


def test_scores_of_a_known_model_on_a_sample(tmp_path):
    # The generated cats lean to red, the dogs to green; the model's P(dogs) is the mean green level.
    make_class_folder(tmp_path, per_class=10, size=40)
    labels, scores = positive_class_scores(green_is_dog_model(8), ("cats", "dogs"), 8, tmp_path, count=6)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]  # three of each class, in class order
    assert all(score < 0.3 for score in scores[:3]) and all(score > 0.6 for score in scores[3:])


def test_all_photos_when_fewer_than_asked(tmp_path):
    make_class_folder(tmp_path, per_class=4, size=16)
    labels, scores = positive_class_scores(green_is_dog_model(8), ("cats", "dogs"), 8, tmp_path, count=100)
    assert len(labels) == len(scores) == 8


def test_a_roc_curve_needs_two_classes(tmp_path):
    make_class_folder(tmp_path, classes=("a", "b", "c"), per_class=2, size=16)
    with pytest.raises(ValueError, match="two-class model"):
        positive_class_scores(green_is_dog_model(8), ("a", "b", "c"), 8, tmp_path, count=6)
