"""The model select box every page shares: it starts from the session's model and remembers the choice."""

from __future__ import annotations

import streamlit as st

from core.models import registry
from ui import resources
from ui.session import MODEL_KEY


def model_picker(label: str = "Model", key: str = "model_picker",
                 only_available: bool = True) -> registry.ModelInfo | None:
    """The chosen model's card, or None (with a message) when no model can be used."""
    infos = resources.cached_model_list()
    choices = [info for info in infos if info.available] if only_available else infos
    if not choices:
        st.error("No trained model is available. Train one with "
                 "`python -m core.training.train --arch classic`.")
        return None
    names = [info.name for info in choices]
    current = st.session_state.get(MODEL_KEY)
    if current not in names:
        current = registry.default_model_name(choices) or names[0]
    by_name = {info.name: info for info in choices}
    chosen = st.selectbox(label, names, index=names.index(current), key=key,
                          format_func=lambda name: by_name[name].label)
    st.session_state[MODEL_KEY] = chosen
    for info in infos:
        if not info.available:
            st.caption(f"{info.title}: unavailable. {info.reason} Fix: `{info.fix_command}`")
    return by_name[chosen]
