"""How fragile is it? The photo changed a little at a time, and the answer the model gives after each change."""

from __future__ import annotations

import streamlit as st

from ui.fragility import changes, nudge, setup

SECTIONS = {"Noise": "noise", "Turn": "rotation", "Shrink": "shrink", "Brightness": "brightness",
            "Cover a square": "cover"}
NUDGE = "Smallest nudge"

st.title("🥚 How fragile is it?")
st.write(
    "A person still sees the same cat after a little noise, a slight turn or a dimmer light. Does the model? Drag a "
    "slider to change your photo a little at a time: each curve shows the model's percentage for its answer at "
    "every value, with yours ringed and the values where the answer flips marked with crosses. The last tab "
    "pushes every number of the photo by a few levels, in the direction that hurts the answer most."
)

context = setup.choose()
setup.show_answer(context)

tabs = st.tabs([*SECTIONS, NUDGE], key="fragility_section", on_change="rerun")
# Only the open tab is drawn (``open`` is None when Streamlit does not track it: then draw it).
for tab, key in zip(tabs, SECTIONS.values()):
    with tab:
        if tab.open is not False:
            changes.show(context, key)
with tabs[-1]:
    if tabs[-1].open is not False:
        nudge.show(context)
