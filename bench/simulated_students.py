"""A student without a browser: Streamlit's own websocket protocol, spoken by a small asyncio client.

One :func:`visit` does what a student's phone does on the Classify page and
then the inside page, as Streamlit's frontend does it, so the server does the
same work as for a real phone while the client costs a few hundredths of a
second of CPU:

1. ``GET /`` (the page; behind ``deploy/serve.py`` it sets the sticky-session
   cookie) and ``GET /_stcore/health`` (the XSRF cookie), then the websocket ``/_stcore/stream`` with the
   token in its subprotocol header, and a ``rerun_script`` BackMsg; the first
   run ends with the demo photo's answer.
2. The upload: a ``file_urls_request`` BackMsg, its ``file_urls_response``, an
   HTTP PUT of the photo to the upload address, and a ``rerun_script`` whose
   widget states hold the file uploader's ``FileUploaderState``. The time to
   that run's ``script_finished`` is the wait for the answer.
3. The inside page, as the page link opens it: a ``rerun_script`` naming the
   page; the time to its ``script_finished``.

Like the frontend, every run sends back the query string the app last set
(``?photo=...``), and the images a run drew are fetched from ``/media/``
before its step counts as done. Unlike it, a run sends only the uploader's
widget state, so the other widgets take their defaults, as on a first visit.

What the pages wrote is read from the ``Delta`` messages (headings, markdown,
exceptions), so a wrong label, a traceback or a missing answer is an error.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import requests
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

XSRF_COOKIE = "_streamlit_xsrf"
SUCCESS = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
INSIDE_PAGE = "inside"


@dataclass
class Visit:
    """What one simulated student saw and how long each step took (None where it never finished)."""

    name: str
    opened_s: float | None = None
    classify_s: float | None = None
    inside_s: float | None = None
    answer: str = ""
    right: bool | None = None
    errors: list[str] = field(default_factory=list)


class Session:
    """One browser session: its cookies, its websocket, and what the server sent in the current run."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.websocket = None
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path name -> page script hash
        self.page_hash = ""
        self.query_string = ""  # what the app last put in the address (``?photo=...``), sent back as the browser does
        self.uploader_id = ""
        self.texts: list[str] = []
        self.exceptions: list[str] = []
        self.media: list[str] = []  # this run's image addresses, fetched as the browser fetches them
        self.fetched: set[str] = set()  # the browser's cache: an image already shown is not fetched again
        self._finished: asyncio.Queue[int] = asyncio.Queue()
        self._file_urls: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    async def open(self, timeout: float) -> None:
        for path in ("/", "/_stcore/health"):  # the page, then the health check that sets the XSRF cookie
            reply = await asyncio.to_thread(self.http.get, f"{self.base_url}{path}", timeout=timeout)
            reply.raise_for_status()
        token = self.http.cookies.get(XSRF_COOKIE, "")
        address = urlparse(self.base_url)
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        self.websocket = await websockets.connect(
            f"ws://{address.netloc}/_stcore/stream", subprotocols=["streamlit", token] if token else ["streamlit"],
            additional_headers={"Cookie": cookies} if cookies else None, origin=self.base_url,
            max_size=None, open_timeout=timeout)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self.websocket is not None:
            await self.websocket.close()

    async def _read(self) -> None:
        async for data in self.websocket:
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id or self.session_id
                self._remember_pages(message.new_session.app_pages)
                self.page_hash = message.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                self._remember_pages(message.navigation.app_pages)
                self.page_hash = message.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "delta":
                self._read_delta(message.delta)
            elif kind == "file_urls_response":
                await self._file_urls.put(message.file_urls_response)
            elif kind == "script_finished":
                await self._finished.put(message.script_finished)

    def _remember_pages(self, pages) -> None:
        for page in pages:
            self.pages[page.url_pathname] = page.page_script_hash

    def _read_delta(self, delta) -> None:
        if delta.WhichOneof("type") == "add_block":
            if delta.add_block.WhichOneof("type") == "expandable":  # "Photo: <name> (change)" on the inside page
                self.texts.append(delta.add_block.expandable.label)
            return
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "markdown":
            self.texts.append(element.markdown.body)
        elif kind == "heading":
            self.texts.append(element.heading.body)
        elif kind == "alert":
            self.texts.append(element.alert.body)
        elif kind == "imgs":  # the Classify page captions the answered photo "<name> · <size> (upright)"
            self.texts += [image.caption for image in element.imgs.imgs]
            self.media += [image.url for image in element.imgs.imgs if image.url.startswith("/")]
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
        elif kind == "file_uploader" and not self.uploader_id:
            self.uploader_id = element.file_uploader.id  # the Classify page's first uploader: its photo tab

    async def run(self, timeout: float, *, page_path: str = "", widgets=None) -> None:
        """Ask for a run (of the page at ``page_path``, with these widget states), wait until it has finished,
        then fetch its images."""
        self.texts, self.exceptions, self.media = [], [], []
        message = BackMsg()
        state = message.rerun_script
        if page_path:
            # A page link: the frontend names the page by its hash only and drops the old page's query string.
            if page_path not in self.pages:
                raise ValueError(f"The app has no page at /{page_path}; it has {sorted(self.pages)}.")
            state.page_script_hash = self.pages[page_path]
        else:
            state.page_script_hash, state.query_string = self.page_hash, self.query_string
        state.context_info.timezone = "Europe/London"
        if widgets is not None:
            state.widget_states.widgets.append(widgets)
        await self.websocket.send(message.SerializeToString())
        await self._until_finished(timeout)
        new = sorted(set(self.media) - self.fetched)
        self.fetched.update(new)
        await asyncio.gather(*(asyncio.to_thread(self._fetch, address, timeout) for address in new))

    def _fetch(self, address: str, timeout: float) -> None:
        self.http.get(f"{self.base_url}{address}", timeout=timeout).raise_for_status()

    async def _until_finished(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while True:
            status = await asyncio.wait_for(self._finished.get(), max(0.1, deadline - time.perf_counter()))
            if status == SUCCESS:
                return  # a run that ended early for a rerun is followed by the run that counts

    async def upload(self, name: str, data: bytes, timeout: float) -> None:
        """Send one photo as the frontend does, then rerun with the uploader holding it."""
        if not self.uploader_id:
            raise RuntimeError("The page drew no file uploader.")
        request = BackMsg()
        request.file_urls_request.request_id = "upload-1"
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await self.websocket.send(request.SerializeToString())
        response = await asyncio.wait_for(self._file_urls.get(), timeout)
        if response.error_msg:
            raise RuntimeError(f"No upload address: {response.error_msg}")
        urls = response.file_urls[0]
        put = await asyncio.to_thread(
            self.http.put, f"{self.base_url}{urls.upload_url}", files={"file": (name, data, "image/jpeg")},
            headers={"X-Xsrftoken": self.http.cookies.get(XSRF_COOKIE, "")}, timeout=timeout)
        if put.status_code >= 300:
            raise RuntimeError(f"The upload was refused: HTTP {put.status_code} {put.text[:100]}")
        widget = BackMsg().rerun_script.widget_states.widgets.add()
        widget.id = self.uploader_id
        info = widget.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        await self.run(timeout, widgets=widget)


def said(texts: list[str], expected: str | None) -> tuple[str, bool | None]:
    """The answer heading the Classify page wrote for the photo, and whether it names ``expected``."""
    headings = [line[4:].replace("**", "") for text in texts for line in text.splitlines() if line.startswith("### ")]
    answer = " | ".join(headings)
    if expected is None:
        return answer, None
    return answer, f" {expected}" in answer.lower()


async def visit(base_url: str, name: str, data: bytes, expected: str | None, timeout: float,
                opened: asyncio.Queue | None = None, start_upload: asyncio.Event | None = None,
                delay_s: float = 0.0) -> Visit:
    """One student: open Classify (and say so on ``opened``), upload ``data`` once ``start_upload`` is set and
    ``delay_s`` more have passed, then open the inside page."""
    result = Visit(name)
    session = Session(base_url)
    try:
        began = time.perf_counter()
        try:
            await session.open(timeout)
            await session.run(timeout)
            result.opened_s = time.perf_counter() - began
        finally:
            if opened is not None:
                await opened.put(name)
        if start_upload is not None:
            await start_upload.wait()
        if delay_s:
            await asyncio.sleep(delay_s)
        began = time.perf_counter()
        await session.upload(name, data, timeout)
        result.classify_s = time.perf_counter() - began
        result.answer, result.right = said(session.texts, expected)
        result.errors += [f"{name}: {error}" for error in session.exceptions]
        if not result.answer:  # a wrong or "not sure" answer is the model's, counted in the share of right labels
            result.errors.append(f"{name}: no answer heading on the Classify page")
        elif not any(text.startswith(f"{name} ·") for text in session.texts):  # not the demo photo's answer
            result.errors.append(f"{name}: the Classify page answered, but not for this photo")
        began = time.perf_counter()
        await session.run(timeout, page_path=INSIDE_PAGE)
        result.inside_s = time.perf_counter() - began
        result.errors += [f"{name} (inside): {error}" for error in session.exceptions]
        if not any(f"Photo: {name}" in text for text in session.texts):
            result.errors.append(f"{name}: the inside page does not name its photo")
    except Exception as error:  # a timeout or a closed connection: counted, not fatal for the run
        first_line = str(error).splitlines()[0][:120] if str(error) else ""
        result.errors.append(f"{name}: {type(error).__name__}: {first_line}")
    finally:
        await session.close()
    return result
