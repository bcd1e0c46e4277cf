"""Architecture: every layer of a real Keras model, its shapes and its parameter arithmetic."""

from __future__ import annotations

import streamlit as st

from ui.architecture.custom import custom_tab
from ui.architecture.mistake import mistake_section
from ui.architecture.shipped import shipped_tab

st.title("Architecture")
st.markdown("How a network is built: the layers in order, the shape of what each one outputs, and where its "
            "parameters (the numbers training adjusts) are. Everything below is read from the real Keras model.")
shipped_tab_box, custom_tab_box = st.tabs(["Shipped models", "Build your own"])
with shipped_tab_box:
    shipped_tab()
with custom_tab_box:
    custom_tab()
mistake_section()
