"""Seconds from ``streamlit run app.py`` to the first prediction visible in a browser.

    python bench/startup.py [--repeats 3]

Each repeat starts a fresh server process (nothing cached in it), opens the
Classify page in headless Chromium as soon as the health check answers, and
times: the server answering, the page's title shown, and the demo photo's
prediction shown (its heading "It's a ..." or "Not sure"). It also prints the
server's log line count of "Loading the model" runs, which must be one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from deploy import serve  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def one_start(browser) -> tuple[float, float, float]:
    port = serve.free_port()
    started = time.perf_counter()
    server = subprocess.Popen(serve.streamlit_command(port), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    try:
        url = f"http://127.0.0.1:{port}"
        serve.wait_for(f"{url}/_stcore/health", [server], timeout_s=120)
        healthy = time.perf_counter() - started
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url, timeout=120_000)
        page.locator("h1").first.wait_for(timeout=120_000)
        title = time.perf_counter() - started
        page.locator("h3").filter(has_text="It's a").or_(page.locator("h3").filter(has_text="Not sure")).first \
            .wait_for(timeout=120_000)
        predicted = time.perf_counter() - started
        page.close()
        return healthy, title, predicted
    finally:
        server.terminate()
        server.wait(timeout=15)


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        runs = [one_start(browser) for _ in range(args.repeats)]
        browser.close()
    for index, (healthy, title, predicted) in enumerate(runs, 1):
        print(f"start {index}: server healthy {healthy:.1f} s, title shown {title:.1f} s, "
              f"first prediction shown {predicted:.1f} s")
    print(f"median first prediction: {statistics.median(r[2] for r in runs):.1f} s after `streamlit run`")


if __name__ == "__main__":
    main()
