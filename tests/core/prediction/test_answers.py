"""core.prediction.answers: predictions a learner reads, their verdicts and the CSV table."""

import csv
import io

import numpy as np
import pytest

from core.models.registry import ModelInfo
from core.prediction.answers import (
    Prediction,
    format_probability,
    known_classes_note,
    model_card_text,
    predictions_from_probabilities,
    results_csv,
    singular,
)

CLASSES = ("cats", "dogs")


def test_confident_prediction_headline():
    prediction = Prediction(CLASSES, (0.03, 0.97))
    assert prediction.label == "dogs" and not prediction.unsure
    assert prediction.headline() == "dog (97% sure)"


def test_close_call_is_reported_as_not_sure():
    prediction = Prediction(CLASSES, (0.45, 0.55))
    assert prediction.unsure
    assert prediction.headline() == "not sure: 55% dog, 45% cat"


def test_a_sure_prediction_names_its_class_and_how_sure():
    prediction = Prediction(CLASSES, (0.973, 0.027))
    assert prediction.verdict == "It's a **cat**"
    assert prediction.explanation == "97.3% sure."
    assert prediction.answer == "cat"
    assert prediction.chosen == 0


def test_a_near_certain_prediction_is_still_not_called_certain():
    assert Prediction(CLASSES, (0.00001, 0.99999)).explanation == "Over 99.9% sure."


def test_an_unsure_prediction_says_so_and_highlights_no_class():
    prediction = Prediction(CLASSES, (0.4, 0.6))
    assert prediction.verdict == "🤔 Not sure"
    assert prediction.explanation == "Not sure: 60% dog, 40% cat. The network is close to a coin toss on this photo."
    assert prediction.answer == "not sure"
    assert prediction.chosen is None


def test_the_unsure_threshold_is_65_percent():
    assert not Prediction(CLASSES, (0.35, 0.65)).unsure
    assert Prediction(CLASSES, (0.351, 0.649)).unsure


def test_probabilities_must_match_the_classes():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        predictions_from_probabilities(np.ones((2, 3)) / 3, CLASSES)


def test_predictions_keep_the_order_of_the_rows():
    predictions = predictions_from_probabilities(np.array([[0.9, 0.1], [0.2, 0.8]]), CLASSES)
    assert [prediction.label for prediction in predictions] == ["cats", "dogs"]
    assert predictions[1].probabilities == (0.2, 0.8)


def test_results_csv_lists_every_photo():
    predictions = predictions_from_probabilities(np.array([[0.9, 0.1], [0.4, 0.6]]), CLASSES)
    rows = list(csv.reader(io.StringIO(results_csv(["a.jpg", "b.png"], predictions))))
    assert rows[0] == ["file", "prediction", "probability", "unsure", "p_cats", "p_dogs"]
    assert rows[1] == ["a.jpg", "cats", "0.9000", "False", "0.9000", "0.1000"]
    assert rows[2] == ["b.png", "dogs", "0.6000", "True", "0.4000", "0.6000"]


def test_results_csv_needs_a_name_per_prediction():
    predictions = predictions_from_probabilities(np.array([[0.9, 0.1]]), CLASSES)
    with pytest.raises(ValueError, match="2 names, 1 predictions"):
        results_csv(["a.jpg", "b.jpg"], predictions)


def test_singular_names():
    assert singular("cats") == "cat" and singular("flowers") == "flowers"


def test_probabilities_are_never_shown_as_certainty():
    assert format_probability(0.973) == "97.3%"
    assert format_probability(0.99996) == "over 99.9%"
    assert format_probability(0.00002) == "under 0.1%"
    assert format_probability(0.0) == "under 0.1%"  # a float32 underflow, never a certainty


def test_known_classes_note_names_the_classes_and_the_threshold():
    assert known_classes_note(CLASSES) == (
        "The model only knows **cats and dogs**. A photo of a car or a cup still gets one of these answers, "
        "because the probabilities always add up to 100%. Below 65% for the top class we say *not sure*."
    )


def test_model_card_text(tmp_path):
    info = ModelInfo(name="classic", title="Classic CNN", architecture="classic", kind="keras",
                     input_size=(150, 120), class_names=CLASSES, test_accuracy=0.9, folder=tmp_path,
                     card={"parameters": 1234567, "dataset": "Cats vs dogs", "dataset_licence": "CC BY 4.0."})
    assert model_card_text(info) == (
        "**Classic CNN** · input 150×120 RGB · 1,234,567 parameters · classes: cats, dogs\n\n"
        "Trained on: Cats vs dogs. CC BY 4.0."
    )


def test_model_card_text_without_a_card(tmp_path):
    info = ModelInfo(name="bare", title="Bare", architecture="tiny", kind="keras", input_size=(32, 32),
                     class_names=CLASSES, test_accuracy=None, folder=tmp_path)
    assert model_card_text(info) == ("**Bare** · input 32×32 RGB · 0 parameters · classes: cats, dogs\n\n"
                                     "Trained on: unknown. ")
