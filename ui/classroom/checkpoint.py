"""A student's first answer to a lesson step's checkpoint, sent to the class (the board counts it)."""

from __future__ import annotations

import streamlit as st

from core.classroom.tickets import ClassroomError
from core.lesson.checkpoint import Checkpoint
from ui.classroom import membership
from ui.resources.classroom import cached_class_store

#: Steps whose answer this browser already sent (only the first answer counts, on the server too).
ANSWERED_KEY = "class_answered"


def send_answer(step: int, question: Checkpoint, chosen: str) -> None:
    ticket = membership.student()
    if ticket is None:
        return
    answered: set[int] = st.session_state.setdefault(ANSWERED_KEY, set())
    if step not in answered:
        try:
            cached_class_store().answer_checkpoint(ticket, step, chosen, question.is_right(chosen))
        except ClassroomError as error:
            membership.class_lost(error)
            return
        answered.add(step)
    st.caption(f"Your first answer went to class {ticket.code}.")
