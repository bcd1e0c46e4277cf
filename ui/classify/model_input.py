"""What the network actually receives: the squeezed photo and a square of its numbers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.imaging.photo import Photo
from core.models.registry import ModelInfo
from core.prediction.inputs import CROP_SIZE, ModelInput, input_scaling
from ui import resources

CHANNELS = ("Red", "Green", "Blue")


@dataclass(frozen=True)
class CropSpec:
    """Where the learner put the square of numbers (its top-left corner)."""

    top: int
    left: int


def crop_controls(received: ModelInput) -> CropSpec:
    """The two sliders (keys ``crop_top``, ``crop_left``); they start in the middle of the input."""
    top, left = received.centre_crop_corner()
    return CropSpec(
        top=st.slider("Crop row", 0, received.height - CROP_SIZE, top, key="crop_top"),
        left=st.slider("Crop column", 0, received.width - CROP_SIZE, left, key="crop_left"),
    )


def model_input_view(photo: Photo, info: ModelInfo) -> None:
    pixels = resources.cached_model_pixels(photo.digest, tuple(info.input_size), photo.pixels)
    received = ModelInput(pixels, input_scaling(resources.cached_model(info.name)))
    st.write(received.description)
    image_column, numbers_column = st.columns([1, 1.6])
    with image_column:
        st.image(received.pixels, caption=received.caption, width="stretch",
                 alt=f"{received.caption}: the photo scaled to the model's input; "
                     "its numbers are in the tabs beside it")
    with numbers_column:
        spec = crop_controls(received)
        crop = received.crop(spec.top, spec.left)
        for channel, tab in enumerate(st.tabs(list(CHANNELS))):
            with tab:
                st.dataframe(pd.DataFrame(crop.channel(channel), index=crop.rows, columns=crop.columns),
                             width="stretch")
        st.caption(crop.caption)
