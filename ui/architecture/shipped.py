"""The "Shipped models" tab: a trained model from its folder, or its architecture built in code."""

from __future__ import annotations

import keras
import streamlit as st

from core.models import catalogue
from core.models.catalogue import ModelChoice, SavedSize
from ui import resources
from ui.architecture.model_view import show_model
from ui.resources import architecture as architecture_resources


def read_model_choice() -> ModelChoice:
    choices = catalogue.model_choices(resources.cached_model_list())
    by_name = {choice.name: choice for choice in choices}
    chosen = st.selectbox("Model", list(by_name), index=catalogue.default_choice_index(choices),
                          format_func=lambda name: by_name[name].label, key="architecture_model")
    return by_name[chosen]


def load_shipped(choice: ModelChoice) -> tuple[keras.Model | None, SavedSize | None]:
    """The trained model and its size on disk, or (None, None) with a warning when it cannot be loaded."""
    if choice.shipped is None:
        return None, None
    try:
        return resources.cached_model(choice.name), catalogue.saved_size(choice.shipped)
    except (ValueError, OSError) as error:
        st.warning(f"The shipped model could not be loaded ({error}); showing its architecture built in code.")
        return None, None


def shipped_tab() -> None:
    choice = read_model_choice()
    model, saved = load_shipped(choice)
    if model is None:
        try:
            model = architecture_resources.cached_untrained_model(choice.architecture)
        except ValueError as error:  # a model card naming an architecture this code does not know
            st.error(str(error))
            return
        st.caption("Not trained here yet, so this is the same architecture built in code: the layers, shapes and "
                   "parameter counts do not depend on training.")
    show_model(model, "shipped", saved, explain_open=True)
