"""Who this browser is in a class: the teacher (holding the class's key) or a student (holding theirs).

The tickets live in the session. The address carries ``?class=<code>`` (and a
student's ``seat``, so a reload keeps their place); a teacher address carries
``teacher=<key>`` once, which is read into the session and taken out of the
address bar. The browser also keeps its key in a cookie for the class's 4 hours,
so the next step's QR code, opened in a new tab of the same phone, finds the same
student (not a new "Student N"), and a reload of the board finds the teacher.
The page never decides who is the teacher: every teacher action goes to the
store with the key, and the store checks it.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import streamlit as st

from core.classroom.codes import MAX_KEY_CHARACTERS
from core.classroom.limits import IDLE_SECONDS
from core.classroom.tickets import ClassroomError, StudentTicket, TeacherTicket
from ui.resources.classroom import cached_class_store

CLASS_PARAM = "class"
SEAT_PARAM = "seat"
TEACHER_PARAM = "teacher"

TEACHER_KEY = "class_teacher"  # TeacherTicket
STUDENT_KEY = "class_student"  # StudentTicket
INVITED_KEY = "class_invited"  # the code of the address, before this browser has joined
NOTICE_KEY = "class_notice"  # why a class link did not work, shown once
_LINK_READ_KEY = "class_link_read"
_COOKIE_KEY = "class_cookie"  # (cookie name, value or "" to forget it): written by the next keep_class_in_link

#: The board page's URL path (app_pages/board.py).
BOARD_PATH = "board"


def _param(name: str, limit: int = MAX_KEY_CHARACTERS) -> str:
    value = st.query_params.get(name) or ""
    return value[:limit] if isinstance(value, str) else ""


def _cookie_name(role: str, code: str) -> str:
    return f"cnn_classroom_{role}_{code.upper()}"


def _cookie(role: str, code: str) -> str:
    value = (st.context.cookies or {}).get(_cookie_name(role, code), "") if code else ""
    return value[:MAX_KEY_CHARACTERS]


def _remember(role: str, code: str, key: str) -> None:
    st.session_state[_COOKIE_KEY] = (_cookie_name(role, code), key)


def read_class_link() -> None:
    """Once per session: a teacher address makes this browser the teacher; a student's seat brings them back."""
    if st.session_state.get(_LINK_READ_KEY):
        return
    st.session_state[_LINK_READ_KEY] = True
    code = _param(CLASS_PARAM)
    key = _param(TEACHER_PARAM) or _cookie("teacher", code)
    seat = _param(SEAT_PARAM) or _cookie("seat", code)
    if TEACHER_PARAM in st.query_params:
        del st.query_params[TEACHER_PARAM]  # never left in an address bar a projector shows
    if not code:
        return
    store = cached_class_store()
    try:
        if key:
            if store.is_teacher(code, key):
                st.session_state[TEACHER_KEY] = TeacherTicket(store.check_code(code), key)
                _remember("teacher", code, key)
                return
            st.session_state[NOTICE_KEY] = "That teacher address is not this class's (or the class has ended)."
        if seat:
            ticket = store.student_ticket(code, seat)
            if ticket is not None:
                st.session_state[STUDENT_KEY] = ticket
                _remember("seat", ticket.code, ticket.key)
                return
        st.session_state[INVITED_KEY] = store.check_code(code)
    except ClassroomError as error:
        st.session_state[NOTICE_KEY] = str(error)
        for name in (CLASS_PARAM, SEAT_PARAM):
            if name in st.query_params:
                del st.query_params[name]


def teacher() -> TeacherTicket | None:
    return st.session_state.get(TEACHER_KEY)


def student() -> StudentTicket | None:
    return st.session_state.get(STUDENT_KEY)


def class_code() -> str | None:
    """The class this browser is in, as teacher or student (or is invited to)."""
    ticket = teacher() or student()
    return ticket.code if ticket is not None else st.session_state.get(INVITED_KEY)


def become_teacher(ticket: TeacherTicket) -> None:
    st.session_state[TEACHER_KEY] = ticket
    _remember("teacher", ticket.code, ticket.key)
    st.session_state.pop(STUDENT_KEY, None)
    st.session_state.pop(INVITED_KEY, None)
    keep_class_in_link()


def become_student(ticket: StudentTicket) -> None:
    st.session_state[STUDENT_KEY] = ticket
    _remember("seat", ticket.code, ticket.key)
    st.session_state.pop(INVITED_KEY, None)
    keep_class_in_link()


def leave_class() -> None:
    """Forget the class in this browser (it ended, or the student left)."""
    ticket = teacher() or student()
    if ticket is not None:
        _remember("teacher" if teacher() is not None else "seat", ticket.code, "")
    for key in (TEACHER_KEY, STUDENT_KEY, INVITED_KEY):
        st.session_state.pop(key, None)
    for name in (CLASS_PARAM, SEAT_PARAM):
        if name in st.query_params:
            del st.query_params[name]


def keep_class_in_link() -> None:
    """Put the class (and a student's seat) into the address bar: page switches drop them. Also write the
    cookie a join, a start or a leave asked for (a hidden script: the server cannot set cookies itself)."""
    pending = st.session_state.pop(_COOKIE_KEY, None)
    if pending is not None:
        name, value = pending
        age = IDLE_SECONDS if value else 0
        cookie = f"{name}={value}; path=/; max-age={age}; SameSite=Strict"
        with st.container(key="class_cookie"):  # hidden by its own rule: a script takes no room
            st.html(f"<style>.st-key-class_cookie {{ display: none !important; }}</style>"
                    f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True)
    wanted = {}
    if teacher() is not None:
        wanted = {CLASS_PARAM: teacher().code}
    elif student() is not None:
        wanted = {CLASS_PARAM: student().code, SEAT_PARAM: student().key}
    elif st.session_state.get(INVITED_KEY):
        wanted = {CLASS_PARAM: st.session_state[INVITED_KEY]}
    for name, value in wanted.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value


def app_root() -> str | None:
    """The app's address as the browser sees it (scheme and host), for the addresses the class is given."""
    url = st.context.url
    if url:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    host = st.context.headers.get("Host") if st.context.headers else None
    if host:
        return f"{st.context.headers.get('X-Forwarded-Proto', 'http')}://{host}"
    return None


def join_address(code: str) -> str:
    """Where students join: the board page with the class's code (a nickname is asked there)."""
    return f"{app_root() or ''}/{BOARD_PATH}?{urlencode({CLASS_PARAM: code})}"


def teacher_address(ticket: TeacherTicket) -> str:
    """The teacher's own way back to the board, on any browser: it holds the key, so it is never shown to students."""
    return f"{app_root() or ''}/{BOARD_PATH}?{urlencode({CLASS_PARAM: ticket.code, TEACHER_PARAM: ticket.key})}"


def join_if_invited() -> StudentTicket | None:
    """A browser that came by a class's link (a lesson step's QR code) joins it as "Student N" on its first page."""
    if student() is None and teacher() is None and st.session_state.get(INVITED_KEY):
        try:
            become_student(cached_class_store().join(st.session_state[INVITED_KEY]))
        except ClassroomError as error:
            st.session_state[NOTICE_KEY] = str(error)
            st.session_state.pop(INVITED_KEY, None)
    return student()


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)


def class_lost(error: ClassroomError) -> None:
    """A store call refused because the class is gone: say so and forget it in this browser."""
    st.warning(str(error))
    leave_class()
