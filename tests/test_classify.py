"""core.prediction: predictions a learner reads, the pixel crop and the CSV table."""

import csv
import io

import numpy as np
import pytest

from core.prediction.answers import Prediction, predictions_from_probabilities, results_csv, singular
from core.prediction.inputs import model_inputs, pixel_crop

CLASSES = ("cats", "dogs")


def test_confident_prediction_headline():
    prediction = Prediction(CLASSES, (0.03, 0.97))
    assert prediction.label == "dogs" and not prediction.unsure
    assert prediction.headline() == "dog (97% sure)"


def test_close_call_is_reported_as_not_sure():
    prediction = Prediction(CLASSES, (0.45, 0.55))
    assert prediction.unsure
    assert prediction.headline() == "not sure: 55% dog, 45% cat"


def test_probabilities_must_match_the_classes():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        predictions_from_probabilities(np.ones((2, 3)) / 3, CLASSES)


def test_model_inputs_are_resized_uint8():
    photos = [np.zeros((300, 200, 3), np.uint8), np.full((50, 80, 3), 200, np.uint8)]
    batch = model_inputs(photos, (150, 150))
    assert batch.shape == (2, 150, 150, 3) and batch.dtype == np.uint8
    assert batch[1].min() == 200 == batch[1].max()


def test_pixel_crop_stays_inside_the_image():
    image = np.arange(10 * 10 * 3, dtype=np.uint8).reshape(10, 10, 3)
    crop = pixel_crop(image, top=8, left=-3, size=6)
    assert crop.shape == (6, 6, 3)
    np.testing.assert_array_equal(crop, image[4:10, 0:6])


def test_results_csv_lists_every_photo():
    predictions = predictions_from_probabilities(np.array([[0.9, 0.1], [0.4, 0.6]]), CLASSES)
    rows = list(csv.reader(io.StringIO(results_csv(["a.jpg", "b.png"], predictions))))
    assert rows[0] == ["file", "prediction", "probability", "unsure", "p_cats", "p_dogs"]
    assert rows[1] == ["a.jpg", "cats", "0.9000", "False", "0.9000", "0.1000"]
    assert rows[2][:4] == ["b.png", "dogs", "0.6000", "True"]


def test_singular_names():
    assert singular("cats") == "cat" and singular("flowers") == "flowers"


def test_input_scaling_is_read_from_the_model(tiny_model):
    from core.models import architectures
    from core.prediction.inputs import input_scaling

    assert input_scaling(tiny_model) == "divides them by 255 itself, in its first layer, so they run from 0 to 1"
    normalized = architectures.normalized(image_size=32)
    assert input_scaling(normalized) == "rescales them itself, in its first layer (÷ 127.5 − 1), so they run from -1 to 1"


def test_probabilities_are_never_shown_as_certainty():
    from core.prediction.answers import format_probability

    assert format_probability(0.973) == "97.3%"
    assert format_probability(0.99996) == "over 99.9%"
    assert format_probability(0.00002) == "under 0.1%"
    assert format_probability(0.0) == "0.0%"
