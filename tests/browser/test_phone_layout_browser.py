"""On a phone (390×844, touch): nothing wider than the screen, fingers can hit every control, the lab's
Next button sits next to the arithmetic it changes, and the lesson's step is on the first screen. Also screenshots of
the lab and the inside page at the projector and desktop sizes, for a person to look at (artifacts/screenshots/)."""

from __future__ import annotations

import pytest

from core.models import registry
from harness.photo_files import make_photo_bytes
from tests.browser.conftest import open_lab, screenshot, wait_for_app

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

#: Each kind of tap target, as a CSS selector of the element that receives the tap.
TAP_TARGETS = {
    "sidebar button": '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button',
    "menu link": '[data-testid="stSidebarNavLink"]',
    "help icon": '[data-testid="stTooltipHoverTarget"] button',
    "select box": '[data-testid="stSelectbox"] [role="group"]',
    "button group": '[data-testid="stButtonGroup"] [role="radiogroup"] button',
    "radio option": '[data-testid="stRadio"] [role="radiogroup"] label',
    "check box or toggle": '[data-testid="stCheckbox"] label',
    "tab": '[data-testid="stTab"]',
    "page link": '[data-testid="stPageLink-NavLink"]',
    "button": '[data-testid="stMain"] [data-testid^="stBaseButton-"]:not([data-testid="stBaseButton-elementToolbar"])',
    "expander": '[data-testid="stExpander"] summary',
}
#: Every visible element of a kind: its box, and whether a finger TOUCH_TARGET px across, centred on it, lands on
#: it at its left, right, top and bottom edge (so an icon enlarged by an invisible ::after counts as enlarged).
#: Not targets: the lesson's PageUp / PageDown buttons, hidden on purpose (clicker keys only), the links of a
#: closed sidebar (moved off the screen) and what a closed expander holds.
TAP_BOXES = """([selector, reach]) => Array.from(document.querySelectorAll(selector))
  .filter(element => element.getClientRects().length
    && !element.closest('.st-key-lesson_page_up, .st-key-lesson_page_down')
    && !(element.closest('[data-testid="stSidebar"]')?.getBoundingClientRect().right <= 0)
    && !(element.closest('details:not([open])') && !element.closest('summary')))
  .map(element => {
    element.scrollIntoView({block: 'center', inline: 'center'});
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const lands = (px, py) => element.contains(document.elementFromPoint(px, py));
    return {name: (element.innerText || element.getAttribute('aria-label') || '').trim().slice(0, 30),
            width: Math.round(box.width), height: Math.round(box.height),
            across: lands(x - reach, y) && lands(x + reach, y), down: lands(x, y - reach) && lands(x, y + reach)};
  })"""
#: Whether the app's stylesheet (app.py adds it on every run) is in: it arrives after a page's first elements.
APP_STYLE_IN = """() => Array.from(document.querySelectorAll('style'))
  .some(style => style.textContent.includes('[data-testid="stFileUploader"] button'))"""
#: Whether the sidebar has slid all the way in.
SIDEBAR_OPEN = """() => document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().left >= 0"""
#: Per page: where it is, what shows it has drawn, and the kinds of target it must have (so none is missed).
TAP_PAGES = {
    "lab": ("lab?preset=edge", ".st-key-lab_conv_arithmetic",
            ("sidebar button", "help icon", "select box", "button group", "check box or toggle", "button")),
    "lesson": ("lesson?step=1", ".st-key-lesson_step h3",
               ("sidebar button", "help icon", "select box", "radio option", "check box or toggle", "page link",
                "button", "expander")),
    "inside": ("inside", '[data-testid="stTab"]', ("help icon", "select box", "radio option", "tab")),
    "classify": ("", '[data-testid="stTab"]', ("tab", "expander")),
}


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
    arithmetic = open_lab(phone, app_url)
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


def too_small_to_tap(page, kinds: tuple[str, ...], measured: tuple[str, ...]) -> tuple[dict, list[str]]:
    """The targets of each ``measured`` kind on the page, and every one a finger would miss (with its size)."""
    for kind in kinds:  # drawn, however late a widget of the page comes
        page.locator(TAP_TARGETS[kind]).first.wait_for(state="attached")
    found = {kind: page.evaluate(TAP_BOXES, [TAP_TARGETS[kind], TOUCH_TARGET / 2 - 0.5]) for kind in measured}
    missing = [f"no {kind} found" for kind in kinds if not found[kind]]
    small = [f"{kind} {target['name']!r}: {target['width']}×{target['height']} px"
             for kind, targets in found.items() for target in targets if not (target["across"] and target["down"])]
    return found, missing + small


@pytest.mark.browser
@pytest.mark.parametrize("name", list(TAP_PAGES))
def test_every_tap_target_on_a_phone_is_at_least_44_px(app_url, phone, name):
    if name != "lab" and not any(info.available for info in registry.list_models()):
        pytest.skip("the page needs a trained model")
    path, drawn, kinds = TAP_PAGES[name]
    phone.goto(f"{app_url}/{path}")
    phone.locator(drawn).first.wait_for(timeout=180_000)
    wait_for_app(phone)
    phone.wait_for_function(APP_STYLE_IN)
    screenshot(phone, f"phone_{name}_first_screen")
    found, faults = too_small_to_tap(phone, kinds, tuple(TAP_TARGETS))
    if name == "classify":  # the R/G/B tabs above the numbers the network receives
        assert {"Red", "Green", "Blue"} <= {target["name"] for target in found["tab"]}, found["tab"]
    if name == "lab":  # the sidebar, opened over the page: its close button and the menu's links
        phone.locator(TAP_TARGETS["sidebar button"]).first.click()
        phone.wait_for_function(SIDEBAR_OPEN)
        in_sidebar = ("sidebar button", "menu link")
        faults += too_small_to_tap(phone, in_sidebar, in_sidebar)[1]
    assert not faults, faults


#: The top of the lesson's step title, and of its model box, in the window, with the page scrolled to the top.
LESSON_TOPS = """() => {
  document.querySelector('[data-testid="stMain"]').scrollTo(0, 0);
  const top = selector => document.querySelector(selector).getBoundingClientRect().top;
  return {title: top('.st-key-lesson_step h3'), model: top('[data-testid="stSelectbox"]')};
}"""


def lesson_tops(page, url: str) -> dict:
    """Open the lesson's step 2 and measure the tops of its step title and model box."""
    page.goto(url)
    for drawn in (".st-key-lesson_step h3", '[data-testid="stSelectbox"]'):
        page.locator(drawn).first.wait_for(timeout=180_000)
    wait_for_app(page)
    page.wait_for_function(APP_STYLE_IN)
    return page.evaluate(LESSON_TOPS)


@pytest.mark.browser
def test_the_lesson_step_starts_on_a_phones_first_screen_and_a_desk_keeps_its_order(app_url, browser, phone):
    """A student who scans the QR code sees the step at once; the setup (model, photo) follows the step."""
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the lesson needs a trained model")
    tops = lesson_tops(phone, f"{app_url}/lesson?step=2")
    assert tops["title"] < 600 and tops["title"] < tops["model"], tops
    screenshot(phone, "phone_lesson_step2")
    context = browser.new_context(viewport=SIZES["projector"])
    try:  # on a desk the teacher sets the lesson up first: the model box stays above the step
        tops = lesson_tops(context.new_page(), f"{app_url}/lesson?step=2")
        assert tops["model"] < tops["title"], tops
    finally:
        context.close()
