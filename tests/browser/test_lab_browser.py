"""The lab in a real browser: step through the tutorial's edge example, click an output cell, reach ReLU."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

FIRST_STEP = "1×1 + 2×0 + 3×(−1) + 0×1 + 1×0 + 2×(−1) + 3×1 + 2×0 + 1×(−1)"


@pytest.mark.browser
def test_step_through_the_edge_example(app_url, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    page.set_viewport_size({"width": 1400, "height": 2000})  # the whole stepping area in one screenshot
    page.goto(f"{app_url}/lab?preset=edge")
    wait_for_app(page)
    arithmetic = page.locator(".st-key-lab_conv_arithmetic")
    expect(arithmetic).to_contain_text(FIRST_STEP, timeout=120_000)
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
