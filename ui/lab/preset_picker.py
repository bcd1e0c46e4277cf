"""The lab's top row: the preset, its description, and the switch between the views."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.arithmetic import lab_settings
from core.arithmetic.lab_settings import VIEWS
from core.arithmetic.presets import PRESETS
from ui.lab import state


def preset_label(key: str, model_ready: bool) -> str:
    title = PRESETS[key].title
    return title if key != "model" or model_ready else f"{title} (not available yet)"


def preset_picker() -> tuple[str, DeltaGenerator]:
    """The preset box and the view switch; returns the view to show and the place of the preset's caption."""
    model_ready = state.model_info() is not None
    top_left, top_right = st.columns([2, 3])
    top_left.selectbox("Preset", list(PRESETS), key="lab_preset", on_change=state.on_preset_change,
                       format_func=lambda key: preset_label(key, model_ready))
    caption_place = top_right.empty()
    st.segmented_control("Show", list(VIEWS), key="lab_view", required=True, format_func=VIEWS.get)
    return st.session_state["lab_view"], caption_place


def preset_caption(place: DeltaGenerator) -> None:
    """The preset's description, or that the numbers are now the student's own.

    Drawn after the views, whose editors may have just changed the numbers.
    """
    preset = PRESETS[st.session_state["lab_preset"]]
    text = lab_settings.preset_caption(preset.title, preset.description, state.changes_from_preset())
    place.container(key="lab_preset_caption").caption(text)
