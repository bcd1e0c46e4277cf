"""Screenshots of the pages that carry the most colour, and how they look with red–green colour blindness.

Takes full-page screenshots of the Inside page (its "Feature maps" and "Where it looked" tabs) and the Lab page
(the edge example: a signed kernel and signed outputs), then writes a deuteranopia and a protanopia version of each
next to it (core.figures.colour_vision: Machado et al. 2009, severity 1.0). Start the app first, e.g.

    streamlit run app.py --server.headless true --server.port 8614 &
    python scripts/colour_vision_screens.py --url http://127.0.0.1:8614 --out /work/notes/screens

Needs Playwright and Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH), as the browser tests do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.figures.colour_vision import KINDS, simulate_image  # noqa: E402
from harness.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

MAX_HEIGHT = 9000  # pixels: a taller picture is cut off at the bottom
TIMEOUT_MS = 300_000  # the first Inside run loads a model and computes every map on a busy machine
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"]') && document.querySelector('[data-testid="stMain"]')
  && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).every(c => c.querySelector('.main-svg'))"""


def settle(page) -> None:
    """Wait until Streamlit's run is over and every Plotly chart is drawn."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # Plotly's transitions and images finish drawing after the DOM settles


def full_screenshot(page, path: Path) -> Path:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as tall as the page."""
    height = page.evaluate("""() => Math.max(...Array.from(document.querySelectorAll(
      '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')).map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": 1400, "height": int(min(max(height, 1000), MAX_HEIGHT))})
    settle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def write_simulations(path: Path) -> list[Path]:
    """``name-deuteranopia.png`` and ``name-protanopia.png`` next to ``name.png``."""
    pixels = np.asarray(Image.open(path).convert("RGB"))
    written = []
    for kind in KINDS:
        target = path.with_name(f"{path.stem}-{kind}.png")
        Image.fromarray(simulate_image(pixels, kind)).save(target)
        written.append(target)
    return written


def take(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_MS)

        page.goto(f"{url}/inside")
        page.get_by_text("Showing: ").wait_for()
        settle(page)
        # Each tab's last section, drawn when the whole tab is: the drill-down's check, and the saliency map.
        tabs = (("Feature maps", "matches the model", "cvd-inside-feature-maps"),
                ("Where it looked", "Saliency for", "cvd-inside-heat-maps"))
        for tab, last, name in tabs:
            page.get_by_role("tab", name=tab).click()
            page.get_by_text(last).first.wait_for()
            settle(page)
            shots.append(full_screenshot(page, out / f"{name}.png"))

        page.goto(f"{url}/lab?preset=edge&step=5")
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=TIMEOUT_MS)
        settle(page)
        shots.append(full_screenshot(page, out / "cvd-lab.png"))
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8614", help="the running app")
    parser.add_argument("--out", type=Path, default=Path("artifacts/screenshots"), help="folder for the PNGs")
    arguments = parser.parse_args()
    for shot in take(arguments.url.rstrip("/"), arguments.out):
        print(shot)
        for simulated in write_simulations(shot):
            print(simulated)


if __name__ == "__main__":
    main()
