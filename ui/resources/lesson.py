"""The lesson page's caches, one per step group, keyed by model name and the photo's digest.

Arguments that start with ``_`` are not hashed by Streamlit: ``model_key`` and
``photo_key`` identify the model and the pixels. Each step computes only what
it shows, so the heavy 384×384 transfer model runs just for the current step.
"""

from __future__ import annotations

import keras
import numpy as np
import streamlit as st

from core.lesson import decision, deeper, first_layer, learning, limits
from core.training.history import TrainingHistory
from ui import resources


@st.cache_data(show_spinner=False, max_entries=32)
def cached_first_layer(model_key: str, photo_key: str, _model: keras.Model, _pixels: np.ndarray
                       ) -> first_layer.FirstLayerLesson:
    return first_layer.first_layer_lesson(_model, _pixels, model_key)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_deeper(model_key: str, photo_key: str, _model: keras.Model, _pixels: np.ndarray) -> deeper.DeeperLesson:
    return deeper.deeper_lesson(_model, _pixels)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_decision(model_key: str, photo_key: str, class_names: tuple[str, ...], _model: keras.Model,
                    _pixels: np.ndarray) -> decision.DecisionLesson:
    return decision.decision_lesson(_model, _pixels, class_names)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_learning(model_key: str, channel: int, _model: keras.Model, _history: TrainingHistory
                    ) -> learning.LearningLesson:
    return learning.learning_lesson(_model, model_key, _history, channel)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_limits(model_key: str, photo_key: str, neither_keys: tuple[str, ...], _model: keras.Model,
                  _pixels: np.ndarray, _neither: tuple[np.ndarray, ...]) -> list[limits.Trial]:
    """Step 9's answers, each the Classify page's (the model's temperature, "not sure" and "neither" flag)."""
    tools = resources.cached_answer_tools(model_key)
    return limits.limits_trials(_model, tools, _pixels, dict(zip(neither_keys, _neither)))
