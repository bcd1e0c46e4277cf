"""The two small models every lesson test module works on, with their first-layer lessons."""

import pytest

from core.lesson.first_layer import first_layer_lesson
from tests.core.lesson.models import classic_like, mobilenet_like, photo


@pytest.fixture(scope="module")
def classic():
    model = classic_like()
    pixels = photo(20)
    return model, pixels, first_layer_lesson(model, pixels, "classic_like")


@pytest.fixture(scope="module")
def mobile():
    model = mobilenet_like()
    pixels = photo(24, seed=3)
    return model, pixels, first_layer_lesson(model, pixels, "mobilenet_like")
