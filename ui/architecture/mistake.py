""""The common arithmetic mistake": valid padding (the real model) against the tutorials' same-padding numbers."""

from __future__ import annotations

import streamlit as st

from core.figures.architecture import padding_figure
from core.models import summary
from core.models.padding_lesson import padding_lesson
from ui.architecture.model_view import LAB_LINK
from ui.components.charts import show_chart
from ui.resources import architecture as architecture_resources


def mistake_section() -> None:
    st.header("The common arithmetic mistake")
    lesson = padding_lesson(summary.layer_table(architecture_resources.cached_untrained_model("classic")))
    st.markdown(lesson.text)
    if lesson.matches:
        st.caption(lesson.check_sentence)
    else:
        st.warning(lesson.check_sentence)
    show_chart(padding_figure(lesson.comparison), key="padding_chart")
    st.markdown(f"Try both paddings on a small grid in the {LAB_LINK}, or with the **Padding** control of the "
                "“Build your own” tab.")
