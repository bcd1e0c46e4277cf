"""Text that grows (issue #24, WCAG 1.4.4 and 1.4.10): at 200% browser zoom in a 1280-pixel window no page needs
horizontal scrolling (its first view, with every expander open and on every tab, as the accessibility walk opens
them), and presentation mode's key numbers stay at least 28 pixels.

A browser zoomed to 200% lays a page out as a window half as wide with every CSS pixel drawn as two: a
640×400 viewport at device scale factor 2 is exactly what Chromium shows at 200% in a 1280×800 window.
"""

from __future__ import annotations

import pytest

from core.models import registry
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_accessibility_browser import MODEL_LOAD_MS, walk
from tests.browser.test_phone_layout_browser import OVERFLOW

WINDOW = {"width": 1280, "height": 800}
ZOOM = 2
PAGES = {"lesson": "lesson?step=2", "board": "board", "classify": "", "inside": "inside",
         "architecture": "architecture", "fragility": "fragility", "lab": "lab?preset=edge", "dataset": "dataset",
         "training": "training"}
NEEDS_MODEL = {"lesson", "board", "classify", "inside", "fragility", "training"}
#: The main area, where Streamlit scrolls a page: whether it is wider inside than it shows.
MAIN_SCROLLS_SIDEWAYS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {scrollWidth: main.scrollWidth, clientWidth: main.clientWidth};
}"""
#: Elements of the main area wider than the window, but not the inside of a chart's SVG (Plotly clips it to the
#: chart, as the diagonal of the reliability diagram running past its axes) or of a data grid (a table may scroll in
#: its own box: WCAG 1.4.10 excepts content that needs two dimensions); the chart and the grid themselves count.
WIDER_THAN_THE_WINDOW = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
  .filter(element => element.getBoundingClientRect().width > window.innerWidth + 0.5)
  .filter(element => !element.parentElement.closest('.js-plotly-plot svg, [data-testid="stDataFrame"]'))
  .map(element => `${element.tagName}.${element.getAttribute('data-testid') || element.getAttribute('class')}`)
  .slice(0, 10)"""
DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')
  && document.querySelector('[data-testid="stMain"] :is(h1, h3)')"""
KEY_NUMBER = '.st-key-lesson_step [data-testid="stMetricValue"]'
#: The key numbers' font sizes in CSS pixels (a zoomed page keeps its CSS sizes and draws each pixel twice).
KEY_NUMBERS = f"""() => Array.from(document.querySelectorAll('{KEY_NUMBER} *'))
  .map(element => parseFloat(getComputedStyle(element).fontSize))"""


@pytest.fixture
def zoomed(browser):
    """A 1280×800 window at 200% zoom."""
    context = browser.new_context(viewport={"width": WINDOW["width"] // ZOOM, "height": WINDOW["height"] // ZOOM},
                                  device_scale_factor=ZOOM)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def drawn(page, url: str, shown: str = "") -> None:
    """Open ``url`` and wait until its heading (and ``shown``, a selector, where given) is drawn and its run is over."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(DRAWN, timeout=180_000)
    if shown:
        page.locator(shown).first.wait_for(timeout=MODEL_LOAD_MS)
    wait_for_app(page)


def sideways(page, state: str, found: list[str]) -> None:
    """Add to ``found`` what is wider than the window in this state: the page, the main area or any element of it."""
    print(f"200%: {state}")  # pytest shows these for a failed test: the states the walk reached
    page_width, main = page.evaluate(OVERFLOW), page.evaluate(MAIN_SCROLLS_SIDEWAYS)
    wide = page.evaluate(WIDER_THAN_THE_WINDOW)
    if page_width["scrollWidth"] > page_width["innerWidth"] or wide or main["scrollWidth"] > main["clientWidth"] + 1:
        found.append(f"{state}: page {page_width['scrollWidth']} px wide in {page_width['innerWidth']}, main area "
                     f"{main}, wider elements {wide}")


@pytest.mark.browser
def test_no_page_scrolls_sideways_at_200_percent_zoom(app_url, zoomed):
    has_model = any(info.available for info in registry.list_models())
    found: list[str] = []
    for name, path in PAGES.items():
        if name in NEEDS_MODEL and not has_model:
            continue
        if name == "lesson":
            drawn(zoomed, f"{app_url}/{path}", KEY_NUMBER)
            sideways(zoomed, "lesson step 2", found)
        else:
            zoomed.goto(f"{app_url}/{path}")
            walk(zoomed, name, found, look=sideways)
        screenshot(zoomed, f"zoom200_{name}")
    assert not found, "wider than a 1280-pixel window at 200% zoom:\n" + "\n".join(found)


@pytest.mark.browser
def test_presentation_mode_keeps_its_28_pixel_numbers_at_200_percent_zoom(app_url, zoomed):
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the lesson needs a trained model")
    smallest = {}
    for step in (1, 2, 6):  # the photo's numbers, the worked filter, the output neuron: each shows key numbers
        drawn(zoomed, f"{app_url}/lesson?step={step}&present=1", KEY_NUMBER)
        sizes = zoomed.evaluate(KEY_NUMBERS)
        assert sizes, f"step {step} shows no key number"
        smallest[step] = min(sizes)
        page_width = zoomed.evaluate(OVERFLOW)
        assert page_width["scrollWidth"] <= page_width["innerWidth"], (step, page_width)
        screenshot(zoomed, f"zoom200_lesson_present_{step}")
    assert all(size >= 28 for size in smallest.values()), smallest
