"""core/imaging/demo.py: the demo photos, the shipped dog among them, and where each comes from."""

from __future__ import annotations

import numpy as np
import pytest

from core.imaging.demo import DEFAULT_DEMO, DEMO_PHOTOS, DOG_DEMO, SHIPPED_FOLDER, demo_photo_bytes
from core.imaging.photo import photo_from_bytes


@pytest.mark.parametrize("name", list(DEMO_PHOTOS))
def test_every_demo_photo_decodes(name):
    photo = photo_from_bytes(name, demo_photo_bytes(name), "demo")
    assert photo.pixels.ndim == 3 and min(photo.pixels.shape[:2]) >= 300


def test_the_dog_is_small_shipped_and_its_source_and_licence_are_written_down():
    shipped = SHIPPED_FOLDER / DEMO_PHOTOS[DOG_DEMO][1]
    assert shipped.stat().st_size <= 80_000
    sources = (SHIPPED_FOLDER / "SOURCES.md").read_text(encoding="utf-8")
    assert shipped.name in sources and "gcompris-qt-data" in sources and "Public domain" in sources
    photo = photo_from_bytes(DOG_DEMO, demo_photo_bytes(DOG_DEMO), "demo")
    assert photo.pixels.shape == (384, 512, 3)


def test_an_unknown_demo_photo_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="Unknown demo photo 'a horse'; choose one of Chelsea the cat, "):
        demo_photo_bytes("a horse")
    assert DEFAULT_DEMO in DEMO_PHOTOS


@pytest.mark.slow
def test_the_default_model_calls_the_dog_a_dog_and_the_cat_a_cat():
    from core.models import registry
    from core.models.inference import predict_probabilities
    from core.prediction.inputs import model_inputs

    info = registry.get_model_info(registry.default_model_name(registry.list_models()))
    if not info.available:
        pytest.skip(f"the default model {info.name} is not shipped here")
    photos = [photo_from_bytes(name, demo_photo_bytes(name), "demo").pixels for name in (DOG_DEMO, DEFAULT_DEMO)]
    dog, cat = predict_probabilities(registry.load_model(info), model_inputs(photos, info.input_size))
    assert dog[info.class_names.index("dogs")] >= 0.95
    assert cat[info.class_names.index("cats")] >= 0.95
    assert np.isclose(dog.sum(), 1.0, atol=1e-5)
