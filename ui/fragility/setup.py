"""The model and photo the fragility page works from, and the Classify page's answer to start from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.imaging.photo import Photo
from core.prediction.photo_answer import PhotoAnswer
from ui import resources
from ui.components.model_picker import model_picker
from ui.components.photo_picker import photo_expander
from ui.resources.classify import cached_photo_answer


@dataclass(frozen=True, eq=False)
class Fragility:
    """One model and one photo: what every change on the page starts from."""

    model_name: str
    photo: Photo
    model_pixels: np.ndarray  # the photo as the network receives it
    answer: PhotoAnswer  # the Classify page's answer: the same percentage as the unchanged point of every curve

    @property
    def side(self) -> int:
        return int(max(self.model_pixels.shape[:2]))


def choose() -> Fragility:
    """The model picker, the photo expander and the Classify page's answer; stops when no model can be used."""
    info = model_picker("Model", key="fragility_model")
    if info is None:
        st.stop()
    photo = photo_expander("fragility")
    model = resources.cached_model(info.name)
    size = tuple(int(side) for side in model.input_shape[1:3])
    with st.spinner("Running the model on your photo…"):
        answer = cached_photo_answer(info.name, photo)  # the one answer path every page shares
    pixels = resources.cached_model_pixels(photo.digest, size, photo.pixels)
    return Fragility(info.name, photo, pixels, answer)


def show_answer(context: Fragility) -> None:
    """The Classify page's answer to the unchanged photo (each tab shows the photo itself, changed or not)."""
    size = context.model_pixels.shape
    st.markdown(f"#### Unchanged: {context.answer.verdict}")
    st.write(f"{context.answer.summary} The model sees {context.photo.name} at {size[1]}×{size[0]} pixels; every "
             "change below is made to that.")
