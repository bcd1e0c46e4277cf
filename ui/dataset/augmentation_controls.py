"""The augmentation controls: a preset to start from, one slider per random change, flip and fill mode."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.augment.settings import FILL_MODES, AugmentationSettings, preset_choices
from core.augment.steps import contrast_sentence
from ui import resources


@dataclass(frozen=True)
class SliderSpec:
    """One slider: its label and range, the settings field it sets, and what it means."""

    label: str
    minimum: float
    maximum: float
    step: float
    field_name: str
    meaning: str


SLIDERS = {
    "aug_rotation": SliderSpec("Rotation range (degrees)", 0.0, 180.0, 1.0, "rotation_degrees",
                               "Turns the photo by a random angle up to this many degrees, left or right."),
    "aug_shift": SliderSpec("Width/height shift", 0.0, 0.5, 0.05, "shift_fraction",
                            "Moves the photo sideways and up or down by up to this share of its size."),
    "aug_shear": SliderSpec("Shear", 0.0, 0.5, 0.05, "shear_fraction",
                            "Slants the photo by up to this share of its size. (The old ImageDataGenerator read "
                            "shear_range=0.2 as 0.2 degrees, almost nothing; this layer's 0.2 is a visible slant.)"),
    "aug_zoom": SliderSpec("Zoom", 0.0, 0.5, 0.05, "zoom_fraction",
                           "Zooms in or out by up to this share (0.2: between 80% and 120%)."),
    "aug_brightness": SliderSpec("Brightness", 0.0, 0.5, 0.05, "brightness_fraction",
                                 "Makes the photo lighter or darker by up to this share of the full 0-255 range."),
    "aug_contrast": SliderSpec("Contrast", 0.0, 0.5, 0.05, "contrast_fraction",
                               "Changes how strongly light and dark parts differ."),
}


def presets() -> dict[str, AugmentationSettings]:
    """The presets, labelled with the shipped models whose cards say they were trained with them."""
    return preset_choices({info.name: str(info.card.get("augmentation", "")) for info in resources.cached_model_list()})

PRESET_KEY = "aug_preset"
FLIP_KEY = "aug_flip"
FILL_KEY = "aug_fill"


def apply_preset() -> None:
    """Set every control to the chosen preset (the select box's callback, before the sliders are drawn)."""
    settings = presets()[st.session_state[PRESET_KEY]]
    for key, slider in SLIDERS.items():
        st.session_state[key] = float(getattr(settings, slider.field_name))
    st.session_state[FLIP_KEY] = settings.horizontal_flip
    st.session_state[FILL_KEY] = settings.fill_mode


def read_augmentation_controls() -> AugmentationSettings:
    choices = presets()
    if st.session_state.get(PRESET_KEY) not in choices:
        st.session_state[PRESET_KEY] = next(iter(choices))
        apply_preset()
    st.selectbox("Start from", list(choices), key=PRESET_KEY, on_change=apply_preset)
    values = {}
    for key, slider in SLIDERS.items():
        values[slider.field_name] = st.slider(slider.label, slider.minimum, slider.maximum, step=slider.step, key=key)
        meaning = slider.meaning
        if slider.field_name == "contrast_fraction" and values[slider.field_name]:
            meaning += " " + contrast_sentence(AugmentationSettings(contrast_fraction=values[slider.field_name]))
        st.caption(meaning)
    flip = st.checkbox("Horizontal flip", key=FLIP_KEY)
    st.caption("Mirrors half of the photos left to right: a cat facing left is still a cat.")
    fill = st.selectbox("Fill mode", FILL_MODES, key=FILL_KEY)
    st.caption("How the corners uncovered by a turn or shift are filled: “nearest” repeats the edge pixels.")
    return AugmentationSettings(horizontal_flip=flip, fill_mode=fill, **values)
