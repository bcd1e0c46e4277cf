"""How a live-trained network does on the held-out photos: numbers, sentence and mistakes, from a known model."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.image_set import ImageSet
from core.training.live.held_out import (
    curve_readings,
    evaluate_live,
    evaluation_from_probabilities,
    held_out_mistakes,
)
from tests.core.training.samples import green_is_dog_model

#: Green level of each held-out photo and its true class: the model below says "dogs" with probability green/255.
GREEN = (25, 204, 230, 51)
LABELS = (0, 0, 1, 1)


def holdout(size: int = 8) -> ImageSet:
    images = np.zeros((len(GREEN), size, size, 3), np.uint8)
    for index, green in enumerate(GREEN):
        images[index, ..., 1] = green
    return ImageSet(images, np.asarray(LABELS, np.int32), ("cats", "dogs"))


@pytest.fixture(scope="module")
def evaluation():
    return evaluate_live(green_is_dog_model(), holdout())


def test_numbers_of_a_known_model(evaluation):
    np.testing.assert_allclose(evaluation.probabilities[:, 1], np.asarray(GREEN) / 255, atol=1e-6)
    assert evaluation.predicted.tolist() == [0, 1, 1, 0]
    assert evaluation.accuracy == 0.5
    assert evaluation.confusion_matrix.tolist() == [[1, 1], [1, 1]]
    assert evaluation.wrong_indices.tolist() == [1, 3]
    assert evaluation.has_both_classes
    assert evaluation.binary is not None and evaluation.binary.precision == 0.5
    stored = evaluation.as_dict()
    assert stored["count"] == 4 and stored["class_names"] == ["cats", "dogs"] and "recall" in stored


def test_four_held_out_photos_get_counts_and_no_percentage(evaluation):
    assert evaluation.right == 2
    assert evaluation.sentence({"cats": 2, "dogs": 2}) == (
        "It got **2 of the 4 held-out photos** right (cats: 2, dogs: 2), photos never used to change the weights. "
        "That is too few to tell how well it does on new photos: each one moves the accuracy by 25 percentage "
        "points.")


def test_twenty_held_out_photos_get_the_accuracy_and_the_counts():
    # 20 photos, 10 of each class; it calls the first 15 right and the last 5 (all dogs) cats: 75%.
    labels = np.array([0] * 10 + [1] * 10)
    predicted_dog = np.array([0.1] * 10 + [0.9] * 5 + [0.2] * 5)
    twenty = evaluation_from_probabilities(np.stack([1 - predicted_dog, predicted_dog], axis=1), labels,
                                           ("cats", "dogs"))
    assert twenty.sentence({"cats": 10, "dogs": 10}) == (
        "Accuracy **75%**: it got 15 of the 20 held-out photos right (cats: 10, dogs: 10), photos never used to "
        "change the weights.")


def test_too_few_held_out_photos_replace_both_readings_with_one_plain_sentence():
    from tests.core.training.samples import make_history

    history = make_history(epochs=5, best=2, gap=0.4)  # a wide gap the readings would call overfitting
    [reading] = curve_readings(history, 2, None, held_out=2)
    assert reading.verdict == "too_few_held_out" and not reading.is_warning
    assert reading.sentence.startswith("2 held-out photos are too few to read these curves: one photo moves "
                                       "validation accuracy by 50 percentage points")
    assert "overfitting" in reading.sentence and "at least 20 photos" in reading.sentence
    verdicts = [found.verdict for found in curve_readings(history, 2, None, held_out=20)]
    assert verdicts[0] == "overfitting" and len(verdicts) == 2


def test_mistakes_say_what_it_said_and_how_sure(evaluation):
    mistakes = held_out_mistakes(evaluation, holdout())
    assert [mistake.caption for mistake in mistakes] == ["really cats, said dogs (80.0%)",
                                                         "really dogs, said cats (80.0%)"]
    assert int(mistakes[0].pixels[0, 0, 1]) == 204  # the photo itself comes along
    assert len(held_out_mistakes(evaluation, holdout(), limit=1)) == 1
    with pytest.raises(ValueError, match="3 held-out photos but 4 evaluated"):
        held_out_mistakes(evaluation, holdout().subset(np.array([0, 1, 2])))


def test_one_class_among_the_held_out_photos_gets_no_roc_curve():
    only_cats = holdout().subset(np.array([0, 1]))
    assert not evaluate_live(green_is_dog_model(), only_cats).has_both_classes


def test_no_held_out_photos_is_refused():
    with pytest.raises(ValueError, match="no held-out photos"):
        evaluate_live(green_is_dog_model(), holdout().subset(np.array([], int)))
