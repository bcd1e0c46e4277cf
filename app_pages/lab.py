"""Convolution and pooling lab: every number of a convolution, a ReLU and a pooling step.

The arithmetic lives in core.arithmetic; the views in ui/lab/ arrange editors,
step controls and charts around it. State survives reruns in
st.session_state (keys start with "lab_") and the URL mirrors the preset and
settings so a teacher can share a link.
"""

from __future__ import annotations

import streamlit as st

from ui.lab import state
from ui.lab.colour import colour_view
from ui.lab.convolution import convolution_view, current_convolution
from ui.lab.decision import decision_view
from ui.lab.photo import photo_view
from ui.lab.pooling import pooling_view
from ui.lab.preset_picker import preset_caption, preset_picker

state.init_state()
st.title("Convolution & pooling lab")
st.markdown("Every number of a convolution, a ReLU and a pooling step, one window at a time. Edit the "
            "matrices, pick a preset, then step through.")
for warning in state.link_warnings():
    st.warning(warning)
view, caption_place = preset_picker()
# The other views build on the convolution as it is set, even while its editors are hidden.
conv_result = convolution_view() if view == "convolution" else current_convolution()
if view == "pooling":
    pooling_view(conv_result)
elif view == "colour":
    colour_view()
elif view == "photo":
    photo_view()
elif view == "decision":
    decision_view(conv_result)
preset_caption(caption_place)  # after the views: their editors may have just changed the numbers
state.sync_link()
state.remember()
st.caption("Share: the address bar always holds this preset and these settings: copy it to share exactly this view.")
