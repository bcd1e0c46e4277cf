"""Class mode's teacher and students without a browser, on bench/simulated_students.py's websocket ``Session``.

``ClassSession`` adds what class mode needs to that session, each as Streamlit's
frontend does it:

* opening a page at an address: the first ``rerun_script`` names the page by its
  URL path (``page_name``) and carries the address's query string; a later one
  (a page switch) names the page by its hash;
* a button click: the button's ``trigger_value``; a radio choice: its
  ``string_value`` (the option's text); a segmented control's choice: its
  ``string_array_value``. A value set on a page is kept and sent with every later
  run of that page (the frontend sends the value of every widget it shows); a
  page switch drops them;
* a fragment's rerun, as ``run_every`` makes the frontend send it: the fragment's
  id with ``is_auto_rerun``, answered by a ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``;
* one resend of an HTTP request whose connection broke (a pooled keep-alive
  connection the server closed as it was reused: uvicorn closes one idle for 5 s,
  and under load a 3 MB upload meets that close), as a browser resends it. Each
  resend is counted in ``RESENT`` and reported, not hidden.

Widget ids are read from the deltas (``element.button.id``, ``element.radio.id``,
``element.button_group.id``); a keyed widget's id ends with ``-<key>``.

``student`` is one student's lesson with class mode; ``Teacher`` starts a class,
opens the teacher address in a fresh session (the projector) and refreshes its board.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from requests.adapters import HTTPAdapter
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from urllib3.util.retry import Retry

from bench.simulated_students import Session

FULL_RUN = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FRAGMENT_RUN = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
WIDGETS = ("button", "radio", "button_group")
RIGHT_SENTENCE = re.compile(r"^The model got (\d+) of our (\d+) photos? right")
SHOWN = re.compile(r"(\d+) photos? shown")


#: "METHOD address: error" for every HTTP request sent again after its connection broke.
RESENT: list[str] = []


class BrowserResend(Retry):
    """At most one resend of a GET or PUT whose connection broke, as a browser does on a reused connection."""

    def increment(self, method=None, url=None, response=None, error=None, *args, **kwargs):
        RESENT.append(f"{method} {url}: {str(error)[:100]}")
        return super().increment(method, url, response, error, *args, **kwargs)


def trigger(widget_id: str) -> WidgetState:
    return WidgetState(id=widget_id, trigger_value=True)


class ClassSession(Session):
    """A browser session that also clicks, chooses and reruns fragments, and keeps what it chose."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        resend = BrowserResend(total=1, connect=1, read=1, redirect=0, status=0, other=0,
                               allowed_methods=frozenset({"GET", "PUT"}), raise_on_status=False)
        self.http.mount("http://", HTTPAdapter(max_retries=resend))
        self.widgets: dict[str, str] = {}  # this run's widget id -> element type
        self.options: dict[str, list[str]] = {}  # radio id -> its options
        self.fragments: list[str] = []  # ids of the fragments whose deltas arrived, first seen first
        self.held: dict[str, WidgetState] = {}  # values chosen on the current page, sent with each of its runs

    def _read_delta(self, delta) -> None:
        super()._read_delta(delta)
        if delta.fragment_id and delta.fragment_id not in self.fragments:
            self.fragments.append(delta.fragment_id)
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind in WIDGETS:
            widget = getattr(element, kind)
            self.widgets[widget.id] = kind
            if kind == "radio":
                self.options[widget.id] = list(widget.options)
        elif kind == "code":
            self.texts.append(element.code.code_text)

    async def run(self, timeout: float, *, page_path: str = "", widgets=None) -> None:
        self.widgets, self.options = {}, {}
        await super().run(timeout, page_path=page_path, widgets=widgets)

    def widget_id(self, key: str) -> str:
        """The id of this run's widget with user key ``key`` (LookupError, naming what the page has, if none)."""
        found = [widget for widget in self.widgets if widget == key or widget.endswith(f"-{key}")]
        if not found:
            keys = sorted(widget.rsplit("-", 1)[-1] for widget in self.widgets)
            raise LookupError(f"no widget keyed {key!r} on the page (it has {keys[:12]})")
        return found[-1]

    def widget_keys(self, pattern: str) -> list[re.Match]:
        """This run's widget keys matching ``pattern`` (a regular expression over the whole key)."""
        return [match for widget in self.widgets
                if (match := re.fullmatch(pattern, widget.rsplit("-", 1)[-1])) is not None]

    async def _rerun(self, timeout: float, state, until: int) -> None:
        self.texts, self.exceptions, self.media, self.widgets, self.options = [], [], [], {}, {}
        state.context_info.timezone = "Europe/London"
        state.widget_states.widgets.extend(self.held.values())
        while not self._finished.empty():  # a status left from an earlier run (none is expected)
            self._finished.get_nowait()
        await self.websocket.send(state_message(state).SerializeToString())
        deadline = time.perf_counter() + timeout
        while True:
            status = await asyncio.wait_for(self._finished.get(), max(0.1, deadline - time.perf_counter()))
            if status == COMPILE_ERROR:
                raise RuntimeError("the page did not compile")
            if status == until:
                break  # a run that ended early for a rerun is followed by the run that counts
        new = sorted(set(self.media) - self.fetched)
        self.fetched.update(new)
        await asyncio.gather(*(asyncio.to_thread(self._fetch, address, timeout) for address in new))

    async def go(self, timeout: float, page: str, query: str = "") -> float:
        """Open the page at URL path ``page`` ("" for the default page) with ``query``; the seconds it took."""
        began = time.perf_counter()
        message = BackMsg()
        state = message.rerun_script
        if page in self.pages:  # a page switch within the session
            state.page_script_hash = self.pages[page]
        else:  # a browser's first run: the page as the address names it
            state.page_name = page
        state.query_string = query
        self.held = {}
        await self._rerun(timeout, state, FULL_RUN)
        return time.perf_counter() - began

    async def act(self, timeout: float, *states: WidgetState) -> float:
        """Rerun the current page with ``states`` (a click's trigger is sent once, a choice kept); the seconds."""
        began = time.perf_counter()
        message = BackMsg()
        state = message.rerun_script
        state.page_script_hash, state.query_string = self.page_hash, self.query_string
        for widget in states:
            if widget.WhichOneof("value") == "trigger_value":
                state.widget_states.widgets.append(widget)
            else:
                self.held[widget.id] = widget
        await self._rerun(timeout, state, FULL_RUN)
        return time.perf_counter() - began

    async def rerun_fragment(self, timeout: float, fragment_id: str) -> float:
        """What ``run_every`` makes the frontend send: a rerun of that fragment only; the seconds it took."""
        began = time.perf_counter()
        message = BackMsg()
        state = message.rerun_script
        state.page_script_hash, state.query_string = self.page_hash, self.query_string
        state.fragment_id, state.is_auto_rerun = fragment_id, True
        await self._rerun(timeout, state, FRAGMENT_RUN)
        return time.perf_counter() - began

    def said(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts)


def state_message(state) -> BackMsg:
    message = BackMsg()
    message.rerun_script.CopyFrom(state)
    return message


# --- a student --------------------------------------------------------------------------------

@dataclass
class StudentRun:
    """What one student did, how long each action took, and what went wrong."""

    name: str
    label: str
    times: dict[str, list[float]] = field(default_factory=dict)  # action -> seconds
    labelled_at: float | None = None  # perf_counter when the label's run had finished
    answers: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def timed(self, action: str, seconds: float) -> None:
        self.times.setdefault(action, []).append(seconds)


def _check(session: ClassSession, result: StudentRun, action: str, evidence: str | None) -> None:
    result.errors += [f"{result.name} ({action}): {error}" for error in session.exceptions]
    if evidence is not None and not session.said(evidence):
        alerts = [text for text in session.texts if "class" in text.lower()][:2]
        result.errors.append(f"{result.name} ({action}): the page does not say {evidence!r} {alerts}")


async def _answer(session: ClassSession, result: StudentRun, model: str, step: int, rng: random.Random,
                  timeout: float) -> None:
    radio = session.widget_id(f"lesson_check_{model}_{step}")
    option = rng.choice(session.options[radio])
    result.timed("answer", await session.act(timeout, WidgetState(id=radio, string_value=option)))
    result.answers[step] = option
    _check(session, result, f"answer {step}", "Your first answer went to class")


async def student(base_url: str, code: str, name: str, data: bytes, label: str, start_at: float,
                  timeout: float, seed: int) -> StudentRun:
    """Open ``/?class=<code>`` at ``start_at``, upload and send a photo, label it, answer steps 2 and 3."""
    result, session, action = StudentRun(name, label), ClassSession(base_url), "open"
    rng = random.Random(seed)
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    try:
        began = time.perf_counter()
        await session.open(timeout)
        await session.go(timeout, "", urlencode({"class": code}))
        result.timed("open", time.perf_counter() - began)
        _check(session, result, action, None)
        if "seat=" not in session.query_string:
            result.errors.append(f"{name}: not joined (address {session.query_string!r})")
        action = "upload"
        began = time.perf_counter()
        await session.upload(name, data, timeout)
        result.timed("upload", time.perf_counter() - began)
        _check(session, result, action, f"{name} ·")
        action = "send"
        sends = session.widget_keys(r"class_send_([0-9a-f]+)_(.+)")
        if len(sends) != 1:
            raise LookupError(f"{len(sends)} send buttons on the Classify page, not 1")
        photo_key, model = f"{sends[0].group(1)}_{sends[0].group(2)}", sends[0].group(2)
        result.timed("send", await session.act(timeout, trigger(session.widget_id(f"class_send_{photo_key}"))))
        _check(session, result, action, None)
        action = "label"
        choice = WidgetState(id=session.widget_id(f"class_label_{photo_key}"))
        choice.string_array_value.data.append(label)
        result.timed("label", await session.act(timeout, choice))
        result.labelled_at = time.perf_counter()
        _check(session, result, action, f"you say {label}")
        action = "step 2"
        result.timed("lesson", await session.go(timeout, "lesson",
                                                urlencode({"step": 2, "model": model, "class": code})))
        _check(session, result, action, "Step 2 of")
        await _answer(session, result, model, 2, rng, timeout)
        action = "step 3"
        result.timed("lesson", await session.act(timeout, trigger(session.widget_id("lesson_next"))))
        _check(session, result, action, "Step 3 of")
        await _answer(session, result, model, 3, rng, timeout)
    except Exception as error:  # a timeout, a missing widget, a closed connection: counted, not fatal
        said = str(error).splitlines()[0][:160] if str(error) else ""
        result.errors.append(f"{name} ({action}): {type(error).__name__}: {said}")
    finally:
        await session.close()
    return result


# --- the teacher ------------------------------------------------------------------------------

@dataclass
class Refresh:
    """One redraw of the board's fragment, as its deltas showed it."""

    began: float
    ended: float
    photos: int | None  # "<k> photos shown"
    right: str  # the heading: "The model got k of our n photos right." or "No labelled photos yet..."
    errors: list[str]

    def complete(self, count: int) -> bool:
        match = RIGHT_SENTENCE.match(self.right)
        return (self.photos == count and match is not None and int(match.group(2)) == count
                and self.right.endswith("right."))


class Teacher:
    """The teacher's laptop (Lesson page, "Start a class") and then the projector's board session."""

    def __init__(self, base_url: str, timeout: float):
        self.base_url, self.timeout = base_url, timeout
        self.board: ClassSession | None = None
        self.fragment = ""
        self.refreshes: list[Refresh] = []
        self.errors: list[str] = []

    async def start_class(self) -> tuple[str, str]:
        """Open /lesson and click "Start a class"; the code and the teacher key, read off the page."""
        session = ClassSession(self.base_url)
        try:
            await session.open(self.timeout)
            await session.go(self.timeout, "lesson")
            await session.act(self.timeout, trigger(session.widget_id("class_start")))
            self.errors += [f"teacher (start): {error}" for error in session.exceptions]
            codes = [match.group(1) for text in session.texts
                     if (match := re.search(r"\*\*Class ([A-Z0-9]{6})\*\* is on", text))]
            addresses = [text for text in session.texts if "teacher=" in text]
            if not codes or not addresses:
                raise RuntimeError(f"no class code or teacher address on the Lesson page: {session.texts[:8]}")
            query = parse_qs(urlsplit(addresses[0].strip()).query)
            if query.get("class") != [codes[0]]:
                raise RuntimeError(f"the teacher address {addresses[0]!r} is not class {codes[0]}'s")
            return codes[0], query["teacher"][0]
        finally:
            await session.close()

    async def open_board(self, code: str, key: str) -> None:
        """The teacher address in a fresh session: the board page must take the key and drop it from the URL."""
        self.board = ClassSession(self.base_url)
        await self.board.open(self.timeout)
        await self.board.go(self.timeout, "board", urlencode({"class": code, "teacher": key}))
        self.errors += [f"teacher (board): {error}" for error in self.board.exceptions]
        if "teacher=" in self.board.query_string:
            self.errors.append("the board left the teacher key in the address")
        if not self.board.fragments or not self._read(0.0).right:
            raise RuntimeError(f"the teacher address did not open the live board: {self.board.texts[:6]}")
        self.fragment = self.board.fragments[-1]

    def _read(self, began: float) -> Refresh:
        texts = self.board.texts
        shown = [int(match.group(1)) for text in texts if (match := SHOWN.search(text))]
        right = next((text for text in texts if RIGHT_SENTENCE.match(text) or text.startswith("No labelled photos")),
                     "")
        return Refresh(began, time.perf_counter(), shown[0] if shown else None, right,
                       [f"board refresh: {error}" for error in self.board.exceptions])

    async def refresh(self) -> Refresh:
        began = time.perf_counter()
        try:
            await self.board.rerun_fragment(self.timeout, self.fragment)
            refresh = self._read(began)
        except Exception as error:
            refresh = Refresh(began, time.perf_counter(), None, "", [f"board refresh: {type(error).__name__}"])
        self.errors += refresh.errors
        return refresh

    async def keep_refreshing(self, stop: asyncio.Event, every: float = 2.0) -> None:
        """A refresh every ``every`` seconds, as the frontend's timer sends them (one at a time here)."""
        tick = time.perf_counter()
        while not stop.is_set():
            self.refreshes.append(await self.refresh())
            tick += every
            while tick < time.perf_counter():  # a refresh longer than the interval: the next tick
                tick += every
            try:
                await asyncio.wait_for(stop.wait(), tick - time.perf_counter())
            except TimeoutError:
                pass

    async def close(self) -> None:
        if self.board is not None:
            await self.board.close()
