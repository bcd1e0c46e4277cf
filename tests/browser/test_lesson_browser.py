"""In Chromium: the lesson presented at 1280×720 and driven by the keyboard, on a phone, and from a step's URL."""

from __future__ import annotations

import shutil

import pytest

from core.models import registry
from tests.browser.conftest import PROJECT_ROOT, screenshot, wait_for_app

IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
           && !document.querySelector('[data-stale="true"]')"""
# Whether the main area needs scrolling, the smallest key number's font size, and any horizontal overflow.
MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const sizes = Array.from(document.querySelectorAll('[data-testid="stMetricValue"] *'))
    .map(element => parseFloat(getComputedStyle(element).fontSize));
  return {scroll: main.scrollHeight, height: main.clientHeight, width: document.documentElement.scrollWidth,
          viewport: window.innerWidth, smallest: sizes.length ? Math.min(...sizes) : null,
          sidebar: !!document.querySelector('[data-testid="stSidebar"]')
                   && getComputedStyle(document.querySelector('[data-testid="stSidebar"]')).display !== 'none'};
}"""


def on_step(page, step: int) -> dict:
    page.get_by_text(f"Step {step} of 10").first.wait_for(timeout=180_000)
    page.wait_for_function(IDLE, timeout=180_000)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=180_000)  # every step shows a key number
    page.locator('[data-testid="stImage"] img').last.wait_for(timeout=180_000)  # the QR code, drawn last
    return page.evaluate(MEASURE)


def needs_a_model() -> None:
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the lesson needs a trained model")


@pytest.mark.browser
def test_presentation_mode_with_the_keyboard_fits_one_screen(app_url, browser):
    needs_a_model()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(180_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{app_url}/lesson?present=1")
        wait_for_app(page)
        for step in range(1, 11):
            measured = on_step(page, step)
            assert page.locator('[data-testid="stException"]').count() == 0, step
            assert measured["scroll"] <= measured["height"], (step, measured)  # no vertical scroll of the main area
            assert measured["smallest"] is not None and measured["smallest"] >= 28, (step, measured)
            assert not measured["sidebar"], step
            path = screenshot(page, f"lesson_present_{step:02d}")
            if step == 2:
                shutil.copyfile(path, PROJECT_ROOT / "artifacts" / "screenshots" / "lesson_readme.png")
            # Clickers send PageDown; keyboards the right arrow: both move on.
            page.keyboard.press("PageDown" if step % 2 else "ArrowRight")
        page.keyboard.press("ArrowLeft")
        on_step(page, 9)
        assert "step=9" in page.url
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.browser
def test_on_a_phone_no_step_scrolls_sideways(app_url, browser):
    needs_a_model()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        for step in (1, 2, 4, 6, 9):
            page.goto(f"{app_url}/lesson?step={step}")
            wait_for_app(page)
            measured = on_step(page, step)
            assert measured["width"] <= measured["viewport"], (step, measured)
            screenshot(page, f"lesson_phone_{step:02d}")
    finally:
        context.close()


@pytest.mark.browser
def test_a_step_url_opens_that_step_in_a_fresh_browser(app_url, browser):
    needs_a_model()
    model = registry.default_model_name(registry.list_models())
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        page.goto(f"{app_url}/lesson?step=7&model={model}")
        wait_for_app(page)
        on_step(page, 7)
        assert page.get_by_text("Grad-CAM for").first.is_visible()
        assert page.get_by_text(f"step=7&model={model}").count() >= 1  # the QR code's address, shown beside it
    finally:
        context.close()
