"""The teacher's side outside the board: "Start a class" on the Lesson page, and the step the class is on."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.classroom.tickets import ClassroomError, TeacherTicket
from ui.classroom import membership
from ui.resources.classroom import cached_class_store

#: The step last sent to the class's row, so a rerun of the same step writes nothing.
STEP_SENT_KEY = "class_step_sent"


def _start() -> None:
    try:
        membership.become_teacher(cached_class_store().start_class())
    except ClassroomError as error:
        st.session_state[membership.NOTICE_KEY] = str(error)


def teacher_address_box(ticket: TeacherTicket) -> None:
    """The address that holds the key: folded away, so a projector does not show it by accident."""
    with st.expander("Your teacher address (private)"):
        st.caption("Open this on any browser to get back to the board as the teacher. Anyone with it can clear or "
                   "end the class: never show it to students.")
        st.code(membership.teacher_address(ticket), language=None, wrap_lines=True)


def class_panel() -> None:
    """"Start a class" for the teacher, or which class this browser is in."""
    membership.show_notice()
    ticket = membership.teacher()
    if ticket is not None:
        left, right = st.columns([3, 2], vertical_alignment="center")
        left.markdown(f"**Class {ticket.code}** is on: the step QR codes now join it. Students can also open "
                      f"{membership.join_address(ticket.code)} and type the code.")
        try:
            right.page_link(f"app_pages/{membership.BOARD_PATH}.py", label="Open the class board", icon="🧑‍🏫")
        except StreamlitPageNotFoundError:  # a page run on its own (tests) has no navigation to link into
            right.markdown("Open the **Class board** page")
        teacher_address_box(ticket)
        return
    student = membership.student()
    if student is not None:
        return  # the student's line is on the board page and beside the checkpoint
    st.button("Start a class", key="class_start", on_click=_start,
              help="Students join with a code; their photos and checkpoint answers come back to your class board.")


def follow_step(step: int) -> None:
    """Tell the class which step the teacher is on (the board charts that step's answers)."""
    ticket = membership.teacher()
    if ticket is None or st.session_state.get(STEP_SENT_KEY) == (ticket.code, step):
        return
    try:
        cached_class_store().set_step(ticket.code, ticket.key, step)
    except ClassroomError as error:
        membership.class_lost(error)
        return
    st.session_state[STEP_SENT_KEY] = (ticket.code, step)
