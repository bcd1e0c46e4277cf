"""The lesson: ten steps from pixels to prediction on the class's own photo, with the real model."""

from __future__ import annotations

import streamlit as st

from ui.lesson import show

presenting = show.start()
if not presenting:
    st.title("🎓 A lesson: from pixels to prediction")
    st.caption("Ten steps, each computed live by the real model on your photo. Students: scan the step's QR code "
               "to follow on your phone with your own photo.")

lesson = show.setup(presenting)
if lesson is not None:
    show.show_step(*lesson)
