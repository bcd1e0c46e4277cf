"""Inside the model: learned filters, feature maps, the arithmetic of one value, Grad-CAM and saliency."""

from __future__ import annotations

import streamlit as st

from ui.components.photo_picker import photo_expander
from ui.inside import feature_maps, filters, gradcam, nearest_photos, occlusion, patterns, saliency, setup

SECTIONS = ["Filters", "Feature maps", "Where it looked", "What a filter looks for", "Similar training photos"]

st.title("🔍 Inside the model")
st.write(
    "The Classify page gives an answer. This page shows **how** the network reached it, using the real model and "
    "your photo: the small filters it learned, what every layer makes of the photo, the exact arithmetic behind "
    "one number, and which parts of the photo pushed it towards *cat* or *dog*."
)

choice = setup.choose_model()
photo = photo_expander("inside")
inspection = setup.inspect(choice, photo)
setup.show_answer(inspection)

filters_tab, maps_tab, heat_tab, pattern_tab, nearest_tab = st.tabs(SECTIONS, key="inside_section", on_change="rerun")
# Only the open tab is drawn (``open`` is None when Streamlit does not track it: then draw it).
with filters_tab:
    if filters_tab.open is not False:
        filters.show(inspection)
with maps_tab:
    if maps_tab.open is not False:
        feature_maps.show(inspection)
with heat_tab:
    if heat_tab.open is not False:
        heat_settings = gradcam.show(inspection)
        occlusion.show(inspection, heat_settings.opacity)
        saliency.show(inspection, heat_settings.opacity)
with pattern_tab:
    if pattern_tab.open is not False:
        patterns.show(inspection)
with nearest_tab:
    if nearest_tab.open is not False:
        nearest_photos.show(inspection)
