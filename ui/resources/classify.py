"""The Classify page's cache: predictions per model and photo content."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.models.predict import predict_probabilities
from core.prediction.answers import Prediction, predictions_from_probabilities
from core.prediction.inputs import model_inputs
from ui import resources


@st.cache_data(show_spinner="Classifying…", max_entries=128)
def cached_predictions(model_name: str, input_size: tuple[int, int], class_names: tuple[str, ...],
                       photo_digests: tuple[str, ...], _pixels: tuple[np.ndarray, ...]) -> list[Prediction]:
    """One prediction per photo, all in one batch.

    The photos are keyed by their digests, so Streamlit does not hash every
    photo's pixels again on each rerun; the leading underscore keeps ``_pixels``
    out of the key.
    """
    if len(photo_digests) != len(_pixels):
        raise ValueError(f"{len(photo_digests)} digests but {len(_pixels)} photos.")
    model = resources.cached_model(model_name)
    probabilities = predict_probabilities(model, model_inputs(list(_pixels), input_size))
    return predictions_from_probabilities(probabilities, class_names)
