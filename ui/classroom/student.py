"""A student's side of class mode: joining with a code and a nickname, their own photos, the class's answers."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.classroom.codes import CODE_LENGTH
from core.classroom.limits import MAX_PHOTOS_PER_STUDENT, NICKNAME_CHARACTERS
from core.classroom.nicknames import plain_markdown
from core.classroom.tickets import ClassroomError, StudentTicket
from ui.classroom import membership
from ui.resources.classroom import cached_class_store


@dataclass(frozen=True)
class JoinSpec:
    code: str
    nickname: str


def join_form() -> None:
    """The class code (filled in from the join address) and an optional nickname."""
    invited = membership.class_code()
    if invited and not st.session_state.get("class_join_code"):  # filled in from the join address, until typed
        st.session_state["class_join_code"] = invited
    with st.form("class_join", border=True):
        st.markdown("**Join your class** to send your photo and your answers to the teacher's board.")
        code = st.text_input("Class code", max_chars=CODE_LENGTH + 4, placeholder="e.g. K7RM4C",
                             key="class_join_code")
        nickname = st.text_input(f"Nickname (optional, at most {NICKNAME_CHARACTERS} characters)",
                                 max_chars=NICKNAME_CHARACTERS, key="class_join_nickname",
                                 placeholder="Left empty, you get a number: “Student 7”")
        joined = st.form_submit_button("Join the class", type="primary")
    if joined:
        spec = JoinSpec(code, nickname)
        try:
            membership.become_student(cached_class_store().join(spec.code, spec.nickname))
        except ClassroomError as error:
            st.warning(str(error))
            return
        st.rerun()


def who_line(ticket: StudentTicket) -> str:
    return f"You are in class **{ticket.code}** as **{plain_markdown(ticket.nickname)}**."


def student_view(ticket: StudentTicket) -> None:
    """What a student sees of the class: their own photos and labels, and the class's answer to the step."""
    store = cached_class_store()
    st.markdown(who_line(ticket))
    with st.popover("Change your nickname"):
        typed = st.text_input("Nickname", value=ticket.nickname, max_chars=NICKNAME_CHARACTERS,
                              key="class_rename")
        if st.button("Save", key="class_rename_save"):
            try:
                membership.become_student(store.rename(ticket, typed))
            except ClassroomError as error:
                membership.class_lost(error)
                return
            st.rerun()
    try:
        photos = store.own_photos(ticket)
        answers = store.step_answers(ticket.code, store.current_step(ticket.code))
    except ClassroomError as error:
        membership.class_lost(error)
        return
    st.subheader("Your photos on the board", anchor=False)
    if not photos:
        st.caption(f"None yet: on **Classify a photo**, press “Send to the class board” under your photo's answer "
                   f"(up to {MAX_PHOTOS_PER_STUDENT}).")
    for column, photo in zip(st.columns(MAX_PHOTOS_PER_STUDENT), photos):
        column.image(photo.thumbnail, caption=photo.caption, width="stretch", alt=f"Your photo: {photo.caption}")
    st.subheader("The class's answers", anchor=False)
    st.write(answers.student_sentence)
    if st.button("Leave the class", key="class_leave", type="tertiary"):
        membership.leave_class()
        st.rerun()
