"""The fragility page's caches: one sweep per model, photo and change, one set of nudges per model and photo.

A slider moves along the values already swept, so dragging it redraws the page without running the model again.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.explain import fgsm, fragility
from ui import resources


@st.cache_data(show_spinner="Trying every value of the change on your photo…", max_entries=64)
def cached_sweep(model_name: str, photo_key: str, key: str, place: str, _pixels: np.ndarray) -> fragility.Sweep:
    """Every value of change ``key`` on the photo, run through the model in one batch (calibrated percentages)."""
    model = resources.cached_model(model_name)
    tools = resources.cached_answer_tools(model_name)  # the Classify page's temperature: the same percentages
    return fragility.sweep(model, tools, _pixels, key, place=place)


@st.cache_data(show_spinner="Nudging every number of your photo against its answer…", max_entries=16)
def cached_nudge(model_name: str, photo_key: str, steps: int, _pixels: np.ndarray) -> fgsm.Nudge:
    """The photo nudged against its answer by every ε on the grid (FGSM, or ``steps`` smaller pushes)."""
    return fgsm.nudge(resources.cached_model(model_name), resources.cached_answer_tools(model_name), _pixels,
                      steps=steps)
