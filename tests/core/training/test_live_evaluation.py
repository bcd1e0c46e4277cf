"""How a live-trained network does on the held-out photos: numbers, sentence and mistakes, from a known model."""

from __future__ import annotations

import numpy as np
import pytest

from core.training import live_data
from core.training.live_evaluation import evaluate_live, held_out_mistakes
from tests.core.training.samples import green_is_dog_model

#: Green level of each held-out photo and its true class: the model below says "dogs" with probability green/255.
GREEN = (25, 204, 230, 51)
LABELS = (0, 0, 1, 1)


def holdout(size: int = 8) -> live_data.ImageSet:
    images = np.zeros((len(GREEN), size, size, 3), np.uint8)
    for index, green in enumerate(GREEN):
        images[index, ..., 1] = green
    return live_data.ImageSet(images, np.asarray(LABELS, np.int32), ("cats", "dogs"))


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


def test_the_sentence_gives_the_accuracy_and_the_photos(evaluation):
    assert evaluation.sentence({"cats": 2, "dogs": 2}) == (
        "Accuracy **50%** on 4 held-out photos (2 cats, 2 dogs), which were never used to change the weights.")


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
