"""On a student's Classify page: send a photo and the model's answer to the class board, then say what it shows."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.classroom.limits import LABELS
from core.classroom.photo_copy import stored_copies
from core.classroom.tickets import ClassroomError, SentPhoto, StudentTicket
from core.imaging.photo import Photo
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer
from ui.classroom import membership
from ui.resources.classroom import cached_class_store

#: (photo id, model name) -> (the board's photo id, the label sent last), for this browser's photos.
SENT_KEY = "class_sent"


@dataclass(frozen=True)
class Sending:
    photo: Photo
    answer: PhotoAnswer
    model_name: str

    @property
    def key(self) -> str:
        return f"{self.photo.photo_id}_{self.model_name}"

    def sent_photo(self) -> SentPhoto:
        """The copies and the answer exactly as the page showed it (its percentage and its flag)."""
        jpeg, thumbnail = stored_copies(self.photo.pixels)
        return SentPhoto(name=self.photo.name, model_name=self.model_name, answer=self.answer.answer,
                         best_guess=singular(self.answer.label), confidence=self.answer.confidence,
                         neither=self.answer.neither, jpeg=jpeg, thumbnail=thumbnail)


def send_to_board(photo: Photo, answer: PhotoAnswer, model_name: str, ticket: StudentTicket) -> None:
    """The "Send to the class board" button; once sent, the student's cat / dog / neither label."""
    sending = Sending(photo, answer, model_name)
    sent: dict[str, tuple[int, str | None]] = st.session_state.setdefault(SENT_KEY, {})
    store = cached_class_store()
    if sending.key not in sent:
        if not st.button("📤 Send to the class board", key=f"class_send_{sending.key}", type="primary",
                         help="Your photo (a small copy) and the model's answer go to the teacher's board."):
            return
        try:
            sent[sending.key] = (store.send_photo(ticket, sending.sent_photo()), None)
        except ClassroomError as error:
            st.warning(str(error))
            return
    board_id, told = sent[sending.key]
    label = st.segmented_control("Sent. What does your photo really show?", LABELS, key=f"class_label_{sending.key}",
                                 default=told)
    if label is not None and label != told:
        try:
            store.label_photo(ticket, board_id, label)
        except ClassroomError as error:
            st.warning(str(error))
            return
        sent[sending.key] = (board_id, label)
    if label is not None:
        st.caption(f"On the board: the model said {answer.answer}, you say {label}: {verdict(answer.answer, label)}")


def verdict(answer: str, label: str) -> str:
    """How the board counts it: right only when the model's answer is the label."""
    if answer == label:
        return "the model got it right."
    if answer == "not sure":
        return "the model would not say, so it does not count as right."
    return "the model got it wrong."


def class_board_sends(photos: list[Photo], answers: list[PhotoAnswer], model_name: str) -> None:
    """For a student in a class, a send button (and then the label) for each of their photos."""
    ticket = membership.student()
    if ticket is None:
        return
    st.divider()
    st.subheader(f"Class {ticket.code}: send to the board", anchor=False)
    for photo, answer in zip(photos, answers):
        if photo.source == "demo":
            continue  # the demo photo is nobody's own
        with st.container(border=True):
            st.caption(photo.name)
            send_to_board(photo, answer, model_name, ticket)
