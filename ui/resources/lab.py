"""The lab page's caches: the shipped model's first-layer weights and a filtered photo."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.arithmetic.photo_lab import FilteredPhoto, filter_photo
from ui import resources


@st.cache_data(show_spinner="Reading the model's first layer…", max_entries=2)
def cached_first_layer_weights(name: str, file_stamp: float) -> np.ndarray:
    """conv1's kernel, shape (3, 3, 3, filters). ``file_stamp`` (the file's mtime) renews it after retraining."""
    model = resources.cached_model(name)  # a module attribute, so tests can replace the model
    return np.asarray(model.get_layer("conv1").get_weights()[0], dtype=np.float64)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_photo_filters(photo_digest: str, _pixels: np.ndarray,
                         kernel: tuple[tuple[float, ...], ...]) -> FilteredPhoto:
    """The photo filtered with the lab's kernel and with Sobel x / y; keyed by the photo's digest, not its pixels."""
    return filter_photo(_pixels, np.asarray(kernel, dtype=np.float64))
