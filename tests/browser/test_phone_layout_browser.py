"""On a phone (390×844, touch): nothing wider than the screen, fingers can hit the controls, and the lab's
Next button sits next to the arithmetic it changes. Also screenshots of the lab and the inside page at the
projector and desktop sizes, for a person to look at (artifacts/screenshots/)."""

from __future__ import annotations

import pytest

from core.models import registry
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import make_photo_bytes

PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": {"width": 1400, "height": 900}, "projector": {"width": 1280, "height": 720}, "phone": PHONE}
TOUCH_TARGET = 44

#: The page's width against the window's, and every element of the main block wider than the window.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
    .filter(element => element.getBoundingClientRect().width > width + 0.5)
    .map(element => `${element.tagName}.${element.getAttribute('data-testid') || element.className}`);
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 10)};
}"""
CHARTS_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
  && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .every(chart => chart.querySelector('.main-svg'))"""
GRID_SCROLLS_SIDEWAYS = """() => {
  const scroller = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
  return Boolean(scroller) && scroller.scrollWidth > scroller.clientWidth + 1;
}"""
# Whether a finger TOUCH_TARGET px wide, centred on the slider's thumb and moved to its edge, still hits the thumb.
THUMB_REACH = """(reach) => {
  const thumb = document.querySelector('[data-testid="stSlider"] input[type="range"]').parentElement.parentElement;
  thumb.scrollIntoView({block: 'center'});
  const box = thumb.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hits = [[x + reach, y], [x - reach, y], [x, y + reach], [x, y - reach]]
    .map(([px, py]) => thumb.contains(document.elementFromPoint(px, py)));
  return {width: box.width, hits};
}"""


@pytest.fixture
def phone(browser):
    """A page as a phone shows it: 390×844 CSS pixels, touch, no hover."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def assert_no_horizontal_overflow(page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["innerWidth"], found
    assert not found["wide"], found


def tall_screenshot(page, name: str) -> None:
    """The whole page in one picture: the window made as tall as the content (Streamlit scrolls inside stMain)."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    screenshot(page, name)
    page.set_viewport_size(size)


@pytest.mark.browser
def test_the_classify_page_fits_a_phone_and_its_controls_fit_a_finger(app_url, phone):
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the Classify page needs a trained model to accept uploads")
    phone.goto(app_url)
    wait_for_app(phone)
    phone.locator('input[type="file"]').first.wait_for(state="attached", timeout=120_000)
    phone.locator('input[type="file"]').first.set_input_files(
        files=[{"name": "phone-photo.png", "mimeType": "image/png", "buffer": make_photo_bytes(320, 240, fmt="PNG")}])
    phone.get_by_text("phone-photo.png · ").first.wait_for(timeout=120_000)
    wait_for_app(phone)
    assert_no_horizontal_overflow(phone)
    # The file's "×" (Streamlit draws it 14×14 px) and every other button of the uploader fit a finger.
    remove = phone.get_by_role("button", name="Remove phone-photo.png")
    for button in [remove, *phone.locator('[data-testid="stFileUploader"] button').all()]:
        box = button.bounding_box()
        assert box["width"] >= TOUCH_TARGET and box["height"] >= TOUCH_TARGET, box
    screenshot(phone, "phone_classify")


@pytest.mark.browser
def test_the_lab_fits_a_phone_and_next_sits_by_its_arithmetic(app_url, phone):
    expect = pytest.importorskip("playwright.sync_api").expect
    phone.goto(f"{app_url}/lab?preset=edge")
    wait_for_app(phone)
    arithmetic = phone.locator(".st-key-lab_conv_arithmetic")
    expect(arithmetic).to_contain_text("1×1 + 2×0 + 3×(−1)", timeout=120_000)
    phone.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert_no_horizontal_overflow(phone)
    # All five columns of the input editor are on screen, with no sideways scrolling inside the grid.
    editor = phone.locator('[data-testid="stDataFrame"]').first
    assert editor.bounding_box()["x"] + editor.bounding_box()["width"] <= PHONE["width"]
    assert phone.evaluate(GRID_SCROLLS_SIDEWAYS) is False
    # Next and the step's arithmetic fit on one screen together, so a tap shows its result at once.
    next_button = phone.get_by_role("button", name="Next ›")
    next_button.scroll_into_view_if_needed()
    next_box, worked_box = next_button.bounding_box(), arithmetic.bounding_box()
    assert 0 <= worked_box["y"] - (next_box["y"] + next_box["height"]) < PHONE["height"] / 3, (next_box, worked_box)
    reach = phone.evaluate(THUMB_REACH, TOUCH_TARGET / 2 - 1)
    assert all(reach["hits"]), reach  # the step slider's thumb, drawn ~16 px wide, answers a finger 44 px across
    screenshot(phone, "phone_lab_step1")
    next_button.click()
    expect(arithmetic).to_contain_text("input rows 1–3, columns 2–4", timeout=60_000)
    assert_no_horizontal_overflow(phone)


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_the_lab_and_the_drill_down(app_url, browser, size):
    """Not an assertion of looks: pictures for a reviewer, and no page wider than its window at any size."""
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/lab?preset=model")
        wait_for_app(page)
        page.locator(".st-key-lab_conv_arithmetic").wait_for(timeout=120_000)
        page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
        assert_no_horizontal_overflow(page)
        tall_screenshot(page, f"lab_model_{size}")
        page.goto(f"{app_url}/lab?preset=edge&view=decision")
        wait_for_app(page)
        page.locator(".st-key-lab_sigmoid_text").wait_for(timeout=120_000)
        page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
        assert_no_horizontal_overflow(page)
        tall_screenshot(page, f"lab_decision_{size}")
        if not any(info.available for info in registry.list_models()):
            return
        page.goto(f"{app_url}/inside")
        wait_for_app(page)
        page.get_by_role("tab", name="Feature maps").click(timeout=180_000)
        page.get_by_text("How was one number made?").wait_for(timeout=180_000)
        wait_for_app(page)
        page.wait_for_function(CHARTS_DRAWN, timeout=120_000)
        assert page.evaluate(OVERFLOW)["scrollWidth"] <= SIZES[size]["width"]  # the page itself never scrolls sideways
        tall_screenshot(page, f"inside_{size}")
    finally:
        context.close()
