"""Seconds from ``streamlit run app.py`` to the page, and to the first prediction, against a bare TensorFlow import.

    python bench/startup.py [--repeats 3]

Each repeat starts a fresh server process (nothing cached in it), opens the
Classify page in headless Chromium as soon as the health check answers, and
times: the server answering, the page's title and photo uploader drawn, and the
demo photo's prediction shown (its heading "It's a ..." or "Not sure"). Each
repeat also times ``python -c "import tensorflow"`` in a fresh process, so the
machine's speed is measured in the same run: the page should be drawn within
2 s of the health check (before TensorFlow is loaded), and the first prediction
follow within that import + 2.5 s.

Each repeat also starts a second fresh server for one simulated student
(``bench/simulated_students.py``, no browser): the seconds after the health
check at which the server has sent the title, the uploader and the demo
photo's answer. The difference to Chromium's times is the browser's own work
(fetching and running Streamlit's frontend on the same cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.simulated_students import Session  # noqa: E402
from deploy import serve  # noqa: E402
from harness.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'


def tensorflow_import_seconds() -> float:
    """A bare ``import tensorflow`` in a fresh interpreter, wall-clock, start-up of Python excluded."""
    code = "import time; start = time.perf_counter(); import tensorflow; print(time.perf_counter() - start)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return float(output.stdout.strip().splitlines()[-1])


def one_start(browser) -> tuple[float, float, float, float]:
    """Seconds after ``streamlit run``: healthy, page drawn, first prediction; and a warm server's redraw."""
    started = time.perf_counter()
    with serve.one_process() as (port, _):  # returns once the health check answers
        url = f"http://127.0.0.1:{port}"
        healthy = time.perf_counter() - started
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url, timeout=120_000)
        page.locator("h1").first.wait_for(timeout=120_000)
        page.locator(UPLOADER).first.wait_for(state="attached", timeout=120_000)
        drawn = time.perf_counter() - started
        page.locator("h3").filter(has_text="It's a").or_(page.locator("h3").filter(has_text="Not sure")).first \
            .wait_for(timeout=120_000)
        predicted = time.perf_counter() - started
        page.close()
        # The browser's own floor: the same page drawn again by a server that has nothing left to load.
        again = time.perf_counter()
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url, timeout=120_000)
        page.locator("h1").first.wait_for(timeout=120_000)
        page.locator(UPLOADER).first.wait_for(state="attached", timeout=120_000)
        redrawn = time.perf_counter() - again
        page.close()
        return healthy, drawn, predicted, redrawn


class TimedSession(Session):
    """A simulated first visit that notes when the title, the uploader and the answer arrive."""

    def __init__(self, base_url: str, started: float):
        super().__init__(base_url)
        self.started, self.arrived = started, {}

    def _read_delta(self, delta) -> None:
        super()._read_delta(delta)
        element = delta.new_element if delta.WhichOneof("type") == "new_element" else None
        kind = element.WhichOneof("type") if element is not None else None
        body = element.heading.body if kind == "heading" else element.markdown.body if kind == "markdown" else ""
        seen = {"title": kind == "heading", "uploader": kind == "file_uploader",
                "answer": body.startswith("### ") and ("It's a" in body or "Not sure" in body)}
        for what, now in seen.items():
            if now and what not in self.arrived:
                self.arrived[what] = time.perf_counter() - self.started


def one_simulated_start() -> dict[str, float]:
    """Seconds after the health check at which a fresh server sent the title, the uploader and the answer."""
    import asyncio

    with serve.one_process() as (port, _):
        url = f"http://127.0.0.1:{port}"

        async def first_visit() -> dict[str, float]:
            session = TimedSession(url, time.perf_counter())
            try:
                await session.open(120)
                await session.run(120)
            finally:
                await session.close()
            return session.arrived

        # Playwright's sync API holds this thread's event loop, so the visit runs on a thread of its own.
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(asyncio.run, first_visit()).result()


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        runs = []
        simulated = []
        for _ in range(args.repeats):  # interleaved, so a busy moment hits all alike
            runs.append((*one_start(browser), tensorflow_import_seconds()))
            simulated.append(one_simulated_start())
        browser.close()
    for index, (healthy, drawn, predicted, redrawn, tensorflow) in enumerate(runs, 1):
        print(f"start {index}: server healthy {healthy:.1f} s; after it, the title and uploader drawn "
              f"{drawn - healthy:.1f} s, the first prediction shown {predicted - healthy:.1f} s "
              f"(a bare `import tensorflow` here: {tensorflow:.1f} s); the warm server's page drawn "
              f"again in {redrawn:.1f} s")
    page = statistics.median(r[1] - r[0] for r in runs)
    first = statistics.median(r[2] - r[0] for r in runs)
    tensorflow = statistics.median(r[4] for r in runs)
    print(f"median: page drawn {page:.1f} s after the health check (target at most 2 s); first prediction "
          f"{first:.1f} s after it = `import tensorflow` ({tensorflow:.1f} s) + {first - tensorflow:.1f} s "
          f"(target at most + 2.5 s); {statistics.median(r[2] for r in runs):.1f} s after `streamlit run`")
    sent = {what: statistics.median(arrived.get(what, float("nan")) for arrived in simulated)
            for what in ("title", "uploader", "answer")}
    print(f"the server itself (a simulated student, no browser), median after the health check: the title sent "
          f"{sent['title']:.1f} s, the uploader {sent['uploader']:.1f} s, the first answer {sent['answer']:.1f} s "
          f"= `import tensorflow` + {sent['answer'] - tensorflow:.1f} s; Chromium alone needs "
          f"{statistics.median(r[3] for r in runs):.1f} s to draw the page from a warm server")


if __name__ == "__main__":
    main()
