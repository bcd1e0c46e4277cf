"""The augmentation sliders and presets agree with the settings they set."""

from __future__ import annotations

import dataclasses

import pytest

from core.augment.settings import PRESETS, TUTORIAL, AugmentationSettings
from ui.dataset.augmentation_controls import SLIDERS


def test_every_slider_sets_a_settings_field_once():
    fields = {field.name for field in dataclasses.fields(AugmentationSettings)}
    names = [slider.field_name for slider in SLIDERS.values()]
    assert len(names) == len(set(names)) and set(names) <= fields
    # The two controls that are not sliders.
    assert fields - set(names) == {"horizontal_flip", "fill_mode"}


@pytest.mark.parametrize("settings", [TUTORIAL, *PRESETS.values()])
def test_every_preset_value_is_on_its_slider(settings):
    """A preset value off the slider's range or steps would make Streamlit refuse the session value."""
    for key, slider in SLIDERS.items():
        value = float(getattr(settings, slider.field_name))
        assert slider.minimum <= value <= slider.maximum, key
        steps = (value - slider.minimum) / slider.step
        assert steps == pytest.approx(round(steps)), key
