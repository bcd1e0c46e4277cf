"""The teacher's class board: the class's photos with their answers and labels, the counts, and a step's answers.

It refreshes itself every 2 seconds as a fragment (no full page rerun). Every
call to the store carries the teacher key, which the store checks; the controls
are drawn only once the store has said this key is the class's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.classroom.board import ANSWERS, PRIVACY_LINE, Board, BoardPhoto, ConfusionTable
from core.classroom.limits import LABELS
from core.classroom.nicknames import plain_markdown
from core.classroom.tickets import ClassroomError, TeacherTicket
from core.figures.class_answers import answers_figure
from core.lesson.steps import STEP_COUNT
from ui.classroom import large_view, membership
from ui.classroom.teacher import teacher_address_box
from ui.components.charts import show_chart
from ui.components.qr_code import qr_png
from ui.resources import classroom as classroom_resources
from ui.resources.classroom import cached_class_store

REFRESH_SECONDS = 2.0
#: Photos a row of the grid holds on a projector (a phone stacks them).
GRID_COLUMNS = 5
#: Smaller than a lesson step's: the board's band leaves the projector's screen to the photos.
BOARD_QR_WIDTH = 150
#: The photo shown large (its board id), chosen with one click on its "Show large".
LARGE_KEY = "class_large"


@dataclass(frozen=True)
class BoardSpec:
    ticket: TeacherTicket
    large: int | None  # the photo shown large, if any


def header(ticket: TeacherTicket) -> None:
    """The code in large type, the join address and its QR code, in one band above the photos."""
    code, join, qr = st.columns([1.2, 3, 1.1], vertical_alignment="center")
    address = membership.join_address(ticket.code)
    code.metric("Class code", ticket.code)  # the metric's large type reads from the back of a room
    with join:
        st.markdown(f"Students: scan the QR code, or open **{address}** and type the code.")
        st.caption(PRIVACY_LINE)
    if membership.app_root():
        qr.image(qr_png(address), width=BOARD_QR_WIDTH, alt=f"QR code of the join address {address}")


def _show_large(photo_id: int) -> None:
    st.session_state[LARGE_KEY] = photo_id


def _close_large() -> None:
    st.session_state.pop(LARGE_KEY, None)


def photo_cell(photo: BoardPhoto) -> None:
    st.image(photo.thumbnail, width="stretch", output_format="JPEG")  # stored as JPEG: not sniffed every 2 s
    mark = "" if photo.right is None else (" ✅" if photo.right else " ❌")
    st.markdown(f"**{plain_markdown(photo.nickname)}**{mark}  \n{plain_markdown(photo.caption)}")
    st.button("Show large", key=f"class_large_{photo.photo_id}", on_click=_show_large, args=(photo.photo_id,),
              type="tertiary")


def photo_grid(board: Board) -> None:
    if not board.photos:
        st.info("No photos yet. Students: classify your photo, then press “Send to the class board”.")
        return
    for start in range(0, len(board.photos), GRID_COLUMNS):
        for column, photo in zip(st.columns(GRID_COLUMNS), board.photos[start:start + GRID_COLUMNS]):
            with column:
                photo_cell(photo)


def confusion_tables(board: Board, test_confusion: ConfusionTable | None) -> None:
    """The class's photos, labelled, against the model's answers; beside them the test split's.

    Markdown tables: a refresh every 2 s costs a few microseconds for them, not a DataFrame's conversion.
    """
    ours, test = st.columns(2)
    with ours:
        st.markdown("**Our photos** (rows: what it really shows; columns: the model's answer)")
        st.markdown(ConfusionTable(LABELS, ANSWERS, board.confusion()).markdown)
    with test:
        if test_confusion is not None:
            st.markdown("**The test split's photos** (the same model, on photos kept out of training)")
            st.markdown(test_confusion.markdown)


def step_answers(board: Board, ticket: TeacherTicket) -> None:
    answers = board.answers
    st.markdown(f"**Step {answers.step} of {STEP_COUNT}: the checkpoint's answers**")
    st.write(answers.sentence)
    if answers.options:
        show_chart(answers_figure(answers), key="class_answers_chart")
    if not answers.revealed and answers.total:
        st.button("Show the answer", key="class_reveal", type="primary", on_click=_reveal,
                  args=(ticket, answers.step))


def _reveal(ticket: TeacherTicket, step: int) -> None:
    try:
        cached_class_store().reveal(ticket.code, ticket.key, step)
    except ClassroomError as error:
        st.session_state[membership.NOTICE_KEY] = str(error)


def live_board(ticket: TeacherTicket) -> None:
    """One refresh: read the board (the store checks the key) and draw it."""
    try:
        board = cached_class_store().board(ticket.code, ticket.key)
    except ClassroomError as error:
        membership.class_lost(error)
        return
    test_confusion = classroom_resources.test_confusion(board.main_model)
    spec = BoardSpec(ticket, st.session_state.get(LARGE_KEY))
    right, counts = st.columns([3, 2])
    right.subheader(board.right_sentence, anchor=False)
    counts.caption(board.limits_line)
    large = next((photo for photo in board.photos if photo.photo_id == spec.large), None)
    if large is not None:
        large_view.large_photo(ticket, large, _close_large)
    elif spec.large is not None:  # hidden or cleared meanwhile
        _close_large()
    photo_grid(board)
    st.divider()
    left, right = st.columns([1, 1])
    with left:
        step_answers(board, ticket)
    with right:
        confusion_tables(board, test_confusion)


def _confirmed(column, label: str, warning: str, confirm: str, key: str, action: Callable[[], None],
               done: str) -> None:
    """A teacher action behind a popover's "Yes": ``action`` runs (the store checks the key), ``done`` is said."""
    with column.popover(label):
        st.write(warning)
        if st.button(confirm, key=key, type="primary"):
            try:
                action()
            except ClassroomError as error:
                st.warning(str(error))
                return
            st.session_state[membership.NOTICE_KEY] = done
            st.rerun()


def teacher_controls(ticket: TeacherTicket) -> None:
    """Clear the board or end the class, each behind a confirmation; the store checks the key again."""
    store = cached_class_store()
    clear, end = st.columns(2)

    def clear_board() -> None:
        store.clear_board(ticket.code, ticket.key)
        _close_large()

    def end_class() -> None:
        store.end_class(ticket.code, ticket.key)
        membership.leave_class()

    _confirmed(clear, "Clear the board", "Deletes every photo and answer; the students stay in the class.",
               "Yes, clear it", "class_clear", clear_board, "The board is cleared: no photos and no answers are kept.")
    _confirmed(end, "End the class", "Deletes everything of this class: nicknames, photos, labels and answers.",
               "Yes, end it", "class_end", end_class,
               f"Class {ticket.code} has ended and everything of it is deleted.")
    teacher_address_box(ticket)


def teacher_board(ticket: TeacherTicket) -> None:
    header(ticket)
    st.fragment(live_board, run_every=REFRESH_SECONDS)(ticket)
    st.divider()
    teacher_controls(ticket)
