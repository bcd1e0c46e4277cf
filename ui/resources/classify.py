"""The Classify page's cache: answers per model and photo content."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.prediction.photo_answer import PhotoAnswer, answer_pixels
from ui import resources


@st.cache_data(show_spinner="Classifying…", max_entries=128)
def cached_answers(model_name: str, photo_keys: tuple[tuple[str, str], ...],
                   _pixels: tuple[np.ndarray, ...]) -> list[PhotoAnswer]:
    """One answer per photo (calibrated percentages, "not sure", "neither"), all from one run of the network.

    The photos are keyed by (digest, name), so Streamlit does not hash every
    photo's pixels again on each rerun (the leading underscore keeps ``_pixels``
    out of the key) and a renamed copy gets its own name in the table and CSV.
    """
    if len(photo_keys) != len(_pixels):
        raise ValueError(f"{len(photo_keys)} photo keys but {len(_pixels)} photos.")
    model = resources.cached_model(model_name)
    tools = resources.cached_answer_tools(model_name)
    return answer_pixels(model, tools, [(name, pixels) for (_, name), pixels in zip(photo_keys, _pixels)])


def cached_photo_answer(model_name: str, photo) -> PhotoAnswer:
    """One photo's answer from the same cache the Classify page fills: every page shows the same numbers."""
    return cached_answers(model_name, ((photo.digest, photo.name),), (photo.pixels,))[0]
