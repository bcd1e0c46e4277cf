"""The lesson: ten steps from pixels to prediction on the class's own photo, with the real model."""

from __future__ import annotations

import streamlit as st

from ui.classroom.teacher import class_panel
from ui.lesson import show

presenting = show.start()
if presenting:
    lesson = show.setup(presenting)
else:
    st.title("🎓 A lesson: from pixels to prediction")
    st.caption("Ten steps, each computed live by the real model on your photo. Students: scan the step's QR code "
               "to follow on your phone with your own photo.")
    with st.container(key="lesson_setup"):  # on a phone it follows the step (ui/components/style.py)
        lesson = show.setup(presenting)
        class_panel()  # "Start a class", or the class this lesson is teaching
if lesson is not None:
    show.show_step(*lesson)
