"""Real-browser fixtures: ``streamlit run app.py`` on localhost driven by Debian's Chromium.

Playwright cannot download its own browser here, so it launches
``/usr/bin/chromium`` (override with CHROMIUM_PATH). Screenshots go to
``artifacts/screenshots/``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from harness.chromium import CHROMIUM, CHROMIUM_ARGS, ROOM_HOST
from tests.support.requirements import require

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
#: The lab's edge example, first window: its arithmetic as the lab writes it.
LAB_FIRST_STEP = "1×1 + 2×0 + 3×(−1) + 0×1 + 1×0 + 2×(−1) + 3×1 + 2×0 + 1×(−1)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_health(url: str) -> bool:
    """Whether Streamlit's health endpoint says the server is up."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_until_healthy(url: str, process: subprocess.Popen, timeout_s: float = 90.0,
                        poll_s: float = 0.25) -> None:
    """Poll the health endpoint until it answers; fail at once if the server exits, or after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not _answers_health(url):
        if process.poll() is not None:
            pytest.fail("streamlit exited early; see artifacts/streamlit-browser-tests.log")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"streamlit did not answer on /_stcore/health within {timeout_s:.0f} s")
        time.sleep(poll_s)  # between polls of a condition, not a fixed wait for the app


@pytest.fixture(scope="session")
def app_url():
    """Start the app once for all browser tests and stop it afterwards."""
    port = _free_port()
    (PROJECT_ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(PROJECT_ROOT / "artifacts" / "streamlit-browser-tests.log", "w")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def room_url(app_url):
    """The test server under a name other than localhost, as a phone in the room would open it."""
    return app_url.replace("127.0.0.1", ROOM_HOST)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright: a skip on a laptop without them, a failure in CI."""
    require(Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None,
            f"Chromium at {CHROMIUM} (apt-get install chromium)")
    require(importlib.util.find_spec("playwright") is not None, "The playwright package (pip install playwright)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script after a load or an action.

    The status widget alone can vanish before the first run has drawn anything,
    so also wait until no element is marked stale.
    """
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 && !document.querySelector('[data-stale="true"]')
                 && document.querySelector('[data-testid="stMain"]')""",
        timeout=120_000,
    )


def open_lab(page, app_url: str):
    """The lab on its edge example, once the first window's arithmetic is drawn; that arithmetic's locator."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/lab?preset=edge")
    wait_for_app(page)
    arithmetic = page.locator(".st-key-lab_conv_arithmetic")
    expect(arithmetic).to_contain_text(LAB_FIRST_STEP, timeout=120_000)
    return arithmetic
