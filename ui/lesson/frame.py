"""What every step has: the sentences for the teacher, a "try it" pointer, the checkpoint and the QR code."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.lesson.checkpoint import Checkpoint, StepText
from core.lesson.steps import step_info
from ui.classroom.checkpoint import send_answer
from ui.lesson import navigation
from ui.lesson.navigation import LessonSpec


def sentences(text: StepText) -> None:
    st.markdown("\n".join(f"- {sentence}" for sentence in text.sentences))
    for note in text.notes:
        st.caption(note)


def try_it(step: int, presenting: bool) -> None:
    info = step_info(step)
    try:
        st.page_link(info.try_page, label=f"Try it: {info.try_label}", icon="👉",
                     query_params=dict(info.try_query) or None)
    except StreamlitPageNotFoundError:  # the page run on its own (tests) has no navigation to link into
        st.markdown(f"👉 Try it: **{info.try_label}** in the menu")
    if not presenting:
        st.caption(f"…and {info.try_what}.")


def checkpoint(question: Checkpoint, key: str, presenting: bool, step: int) -> None:
    """The one-question quiz: nothing chosen at first, instant feedback once a student picks.

    While presenting, the feedback sits beside the question, so answering adds no height to a step
    that fills the projector's screen.
    """
    with st.container(key="lesson_check"):
        ask, tell = st.columns([1.4, 1], vertical_alignment="center") if presenting else (st.container(),) * 2
        with ask:
            chosen = st.radio(f"**Checkpoint:** {question.question}", question.options, index=None, key=key,
                              horizontal=True)
        if chosen is not None:
            with tell:
                (st.success if question.is_right(chosen) else st.warning)(question.feedback(chosen))
                send_answer(step, question, chosen)  # a student in a class: the first answer goes to the board


def step_layout(spec: LessonSpec, text: StepText, visual: Callable[[], None], numbers: Callable[[], None],
                widths: tuple[float, float] = (1.1, 1.15)) -> None:
    """One screen: the visual; key numbers and sentences; the QR code and pointer; the checkpoint below."""
    # While presenting the right column holds a 160-px QR code and the "Try it" link, so it gets more room.
    left, middle, right = st.columns([*widths, 0.52 if spec.presenting else 0.32], gap="medium")
    with left:
        visual()
    with middle:
        numbers()
        sentences(text)
    with right, st.container(key="lesson_side"):  # kept at least as wide as the QR code (presentation CSS)
        navigation.show_qr(spec)
        if spec.presenting:  # beside the QR code, not below the checkpoint: the step keeps to one screen
            try_it(spec.step, spec.presenting)
    checkpoint(text.checkpoint, f"lesson_check_{spec.model_name}_{spec.step}", spec.presenting, spec.step)
    if not spec.presenting:
        try_it(spec.step, spec.presenting)
