"""Caches of the Architecture page: the models it builds, once per server process."""

from __future__ import annotations

import keras
import streamlit as st

from core.models import catalogue, custom


@st.cache_resource(show_spinner="Building the model…", max_entries=16)
def cached_untrained_model(architecture: str) -> keras.Model:
    """An untrained copy of an architecture (raises ValueError for an unknown one)."""
    return catalogue.untrained_model(architecture)


@st.cache_resource(show_spinner="Building your model…", max_entries=32)
def cached_custom_model(spec: custom.CustomArchitecture) -> keras.Model:
    return custom.build_custom(spec)
