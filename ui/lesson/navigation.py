"""Which step, which model, presenting or not: read from the URL once, kept in session state, written back to the URL.

Only the lesson's own query parameters (step, model, present) are touched, key
by key, so another component's parameters (the photo picker's, say) survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st

from core.lesson.steps import (
    STEP_COUNT,
    only_this_computer,
    reach_the_server_hint,
    step_from_query,
    step_info,
    step_query,
)
from ui.classroom import membership
from ui.components.qr_code import QR_WIDTH, qr_png
from ui.session import MODEL_KEY

STEP_KEY = "lesson_step"
PRESENT_KEY = "lesson_present"
LOADED_KEY = "lesson_loaded"  # set once the URL's parameters were read into the session
PAGE_PATH = "lesson"  # the page's URL path (from app_pages/lesson.py's file name)


@dataclass(frozen=True)
class LessonSpec:
    step: int
    model_name: str
    presenting: bool


def read_url_once(model_names: list[str]) -> None:
    """On a session's first visit, start from the URL's step, model and presentation mode."""
    if st.session_state.get(LOADED_KEY):
        return
    st.session_state[LOADED_KEY] = True
    st.session_state[STEP_KEY] = step_from_query(st.query_params.get("step"))
    st.session_state[PRESENT_KEY] = st.query_params.get("present") == "1"
    model = st.query_params.get("model")
    if model in model_names:
        st.session_state[MODEL_KEY] = model


def write_url(spec: LessonSpec) -> None:
    """Keep the URL on the current step, so a reload or a shared link lands here."""
    wanted = {"step": str(spec.step), "model": spec.model_name}
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    if spec.presenting and st.query_params.get("present") != "1":
        st.query_params["present"] = "1"
    elif not spec.presenting and "present" in st.query_params:
        del st.query_params["present"]


def _move(delta: int) -> None:
    st.session_state[STEP_KEY] = min(max(int(st.session_state.get(STEP_KEY, 1)) + delta, 1), STEP_COUNT)


def _stop_presenting() -> None:
    st.session_state[PRESENT_KEY] = False


def step_bar(step: int, presenting: bool) -> None:
    """Previous / the step's title / next, with the keys a presentation clicker sends."""
    info = step_info(step)
    back, title, leave, forward = st.columns([1.2, 6, 1.3 if presenting else 0.01, 1.2], vertical_alignment="center")
    back.button("‹ Previous", key="lesson_previous", on_click=_move, args=(-1,), disabled=step <= 1,
                shortcut="Left", width="stretch")
    forward.button("Next ›", key="lesson_next", on_click=_move, args=(1,), disabled=step >= STEP_COUNT,
                   shortcut="Right", type="primary", width="stretch")
    title.subheader(f"Step {step} of {STEP_COUNT} · {info.title}", anchor=False)
    # Clickers send PageUp / PageDown; these buttons exist only for those keys (hidden by CSS).
    st.button("Previous step", key="lesson_page_up", on_click=_move, args=(-1,), shortcut="PageUp")
    st.button("Next step", key="lesson_page_down", on_click=_move, args=(1,), shortcut="PageDown")
    if presenting:
        leave.button("Exit", key="lesson_exit", on_click=_stop_presenting, shortcut="Esc", type="tertiary",
                     help="Leave presentation mode")


def app_address() -> str | None:
    """This page's address as the browser sees it (the server does not know its public URL)."""
    url = st.context.url
    if url:
        return url.rstrip("/") if url.rstrip("/").endswith(PAGE_PATH) else f"{url.rstrip('/')}/{PAGE_PATH}"
    host = st.context.headers.get("Host") if st.context.headers else None
    if host:
        scheme = st.context.headers.get("X-Forwarded-Proto", "http")
        return f"{scheme}://{host}/{PAGE_PATH}"
    return None


def step_url(step: int, model_name: str) -> str:
    """The step's URL for students: this step and model, presentation mode off; the class's code once one runs."""
    address = app_address() or f"/{PAGE_PATH}"
    query = step_query(step, model_name)
    code = membership.class_code()
    if code:
        query[membership.CLASS_PARAM] = code  # a phone that follows the step joins the class
    return f"{address}?{urlencode(query)}"


def show_qr(spec: LessonSpec) -> None:
    """The step's QR code, or, on an address only this computer can open, how to give the class one."""
    url = step_url(spec.step, spec.model_name)
    host = urlsplit(url).hostname
    if host is None:  # no browser told the server its address (a script run without one)
        st.caption("No QR code: this page's address is unknown.")
        return
    if only_this_computer(url):  # a QR code of it would open nothing on a phone
        st.warning(f"No QR code: phones cannot open {host}.")
        with st.popover("How phones get in", width="stretch"):
            st.markdown(reach_the_server_hint(url))
        return
    st.image(qr_png(url), width=QR_WIDTH, alt=f"QR code of this step's address: {url}")
    st.caption(f"Scan to follow: {url}")
