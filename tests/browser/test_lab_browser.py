"""The lab in a real browser: step through the tutorial's edge example, click an output cell, reach ReLU."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LAB_FIRST_STEP as FIRST_STEP
from tests.browser.conftest import open_lab, screenshot, wait_for_app


@pytest.mark.browser
def test_step_through_the_edge_example(app_url, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    page.set_viewport_size({"width": 1400, "height": 2000})  # the whole stepping area in one screenshot
    arithmetic = open_lab(page, app_url)
    expect(arithmetic).to_contain_text("1 + 0 + (−3) + 0 + 0 + (−2) + 3 + 0 + (−1) = −2")
    expect(page.get_by_text("Step 1 of 10")).to_be_visible()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=120_000)
    screenshot(page, "lab_edge_step1")

    page.get_by_role("button", name="Next ›").click()
    expect(arithmetic).to_contain_text("input rows 1–3, columns 2–4", timeout=60_000)
    expect(arithmetic).to_contain_text("2×1 + 3×0 + 0×(−1)")
    assert "step=2" in page.url

    # Click the bottom-right output cell: the step jumps to it.
    cells = page.locator(".st-key-lab_conv_output_chart .scatterlayer .point")
    expect(cells).to_have_count(9, timeout=60_000)
    box = cells.nth(8).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("output cell row 3, column 3")).to_be_visible(timeout=60_000)
    expect(arithmetic).to_contain_text("input rows 3–5, columns 3–5")

    page.get_by_role("button", name="‹ Previous").click()
    expect(page.get_by_text("output cell row 3, column 2")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Next ›").click()
    expect(page.get_by_text("output cell row 3, column 3")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Next ›").click()
    relu = page.locator(".st-key-lab_relu_text")
    expect(relu).to_contain_text("It is not an absolute value", timeout=60_000)
    expect(relu).to_contain_text("−2 → 0")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    screenshot(page, "lab_edge_relu")


# --------------------------------------------------------------------------- a second visit in the same session

CHOSEN_VIEW = '.st-key-lab_view [role="radio"][aria-checked="true"]'


def _sidebar_link(page, name: str):
    """The sidebar's link to a page: clicking it switches pages inside the same session, as a student does."""
    return page.locator('[data-testid="stSidebarNav"] a', has_text=name)


def _no_error_on_the_page(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()


@pytest.mark.browser
def test_the_lab_comes_back_as_it_was_after_another_page(app_url, page):
    """Lab, Classify, lab again (one session): the view, the settings and the worked step are all still there."""
    expect = pytest.importorskip("playwright.sync_api").expect
    arithmetic = open_lab(page, app_url)
    stride = page.locator(".st-key-lab_stride input")
    stride.fill("2")
    stride.press("Enter")
    # A 5×5 input, a 3×3 kernel and stride 2: ⌊(5 − 3) / 2⌋ + 1 = 2, so 2 × 2 windows, then the ReLU step.
    expect(page.get_by_text("Step 1 of 5")).to_be_visible(timeout=60_000)

    _sidebar_link(page, "Classify a photo").click()
    expect(page.get_by_role("heading", name="Convolution & pooling lab")).to_have_count(0, timeout=60_000)
    wait_for_app(page)
    _sidebar_link(page, "Convolution & pooling lab").click()
    wait_for_app(page)

    expect(page.locator(CHOSEN_VIEW)).to_have_text("Convolution + ReLU", timeout=60_000)
    expect(arithmetic).to_contain_text(FIRST_STEP, timeout=60_000)
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    expect(stride).to_have_value("2")
    expect(page.locator(".st-key-lab_relu input")).to_be_checked()  # the edge preset's ReLU, never switched off
    cells = page.locator(".st-key-lab_conv_output_chart .scatterlayer .point")
    expect(cells).to_have_count(4, timeout=60_000)
    assert "view=None" not in page.url and "view=convolution" in page.url and "stride=2" in page.url
    _no_error_on_the_page(page)
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if width < 640:
            # A phone-sized window closes the sidebar by sliding it away: the screenshot waits until it is gone.
            page.wait_for_function("() => { const bar = document.querySelector('[data-testid=\"stSidebar\"]');"
                                   " return !bar || bar.getBoundingClientRect().right <= 1; }", timeout=10_000)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
        page.locator(".st-key-lab_view").scroll_into_view_if_needed()
        screenshot(page, f"lab_second_visit_{width}x{height}")
        arithmetic.scroll_into_view_if_needed()
        screenshot(page, f"lab_second_visit_{width}x{height}_step")


def _lesson_step(page, number: int) -> None:
    """Move the lesson to step ``number`` with its own Previous / Next buttons."""
    expect = pytest.importorskip("playwright.sync_api").expect
    heading = page.get_by_text(re.compile(r"Step \d+ of 10 ·"))
    expect(heading).to_be_visible(timeout=180_000)
    current = int(re.search(r"Step (\d+) of", heading.inner_text()).group(1))
    while current != number:
        page.get_by_role("button", name="Next ›" if current < number else "‹ Previous").click()
        current += 1 if current < number else -1
        expect(page.get_by_text(f"Step {current} of 10 ·")).to_be_visible(timeout=180_000)
        wait_for_app(page)


@pytest.mark.browser
def test_a_second_try_it_link_opens_exactly_what_it_names(app_url, page):
    """Lesson step 2's link, then step 4's (one session): the lab shows the pooling preset in the pooling view."""
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{app_url}/lesson?step=2")
    wait_for_app(page)
    _lesson_step(page, 2)
    page.get_by_role("link", name=re.compile("Try it: Convolution & pooling lab")).click()
    wait_for_app(page)
    expect(page.locator(CHOSEN_VIEW)).to_have_text("Convolution + ReLU", timeout=120_000)
    expect(page.locator(".st-key-lab_conv_arithmetic")).to_contain_text(FIRST_STEP, timeout=60_000)

    _sidebar_link(page, "Lesson").click()
    wait_for_app(page)
    _lesson_step(page, 4)
    page.get_by_role("link", name=re.compile("Try it: Convolution & pooling lab")).click()
    wait_for_app(page)

    expect(page.locator(CHOSEN_VIEW)).to_have_text("Pooling", timeout=120_000)
    expect(page.get_by_role("combobox", name="Preset")).to_have_value("Max pooling a 4×4 matrix, 2×2, stride 2")
    expect(page.locator(".st-key-lab_preset_caption")).to_have_text(
        "Each 2×2 block keeps its largest number: [[6, 8], [14, 16]].")
    # The preset's 4×4 matrix [[1, 3, 2, 4], [5, 6, 7, 8], …]: the first 2×2 window keeps the largest of 1, 3, 5, 6.
    expect(page.locator(".st-key-lab_pool_arithmetic")).to_contain_text("max(1, 3, 5, 6) = 6", timeout=60_000)
    assert "preset=pooling" in page.url and "view=pooling" in page.url
    _no_error_on_the_page(page)
