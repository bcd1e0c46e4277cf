"""The keyboard alone (issue #24): Tab reaches the control, its focus ring shows, and Enter, Space or an arrow key does
what a click does: the lab's Next, the lesson's checkpoint and step, the drill-down's row and column boxes, and live
training's Start and Stop. Each test checks what a person would see change after the keys."""

from __future__ import annotations

import pytest

from core.models import registry
from tests.browser.conftest import open_lab, screenshot, wait_for_app
from tests.browser.test_training_browser import ready_to_train

#: The focused element: what it is, and the ring it shows (its own outline or one on a wrapper up to 3 levels up).
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const ring = node => {
    const style = getComputedStyle(node);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 ? style.outlineWidth : null;
  };
  let node = element, found = null;
  for (let depth = 0; node && depth < 4 && !found; depth++, node = node.parentElement) found = ring(node);
  return {tag: element.tagName, type: element.type || element.getAttribute('role') || '',
          text: (element.innerText || element.getAttribute('aria-label') || '').trim().slice(0, 40),
          testid: element.closest('[data-testid]')?.getAttribute('data-testid') || '', ring: found};
}"""
#: Elements that draw their own focus inside a canvas (the data editor's cells): no CSS outline to measure.
DRAWS_ITS_OWN_FOCUS = {"CANVAS"}


def tab_to(page, wanted, limit: int = 150) -> list[dict]:
    """Press Tab until ``wanted(focused)`` holds; every element focused on the way, each with its ring."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if focused["ring"] is None and focused["tag"] not in DRAWS_ITS_OWN_FOCUS:
            # A rerun that is still finishing redraws the page's stylesheet for a moment: look again once it is
            # over. A control that really has no ring still has none then.
            wait_for_app(page)
            page.wait_for_timeout(500)
            focused = page.evaluate(FOCUSED) or focused
        passed.append(focused)
        if wanted(focused):
            return passed
    pytest.fail(f"Tab never reached the control; it passed {[item['text'] or item['tag'] for item in passed]}")


def without_ring(passed: list[dict]) -> list[dict]:
    return [item for item in passed if item["ring"] is None and item["tag"] not in DRAWS_ITS_OWN_FOCUS]


def tab_to_ringed(page, wanted) -> list[dict]:
    """:func:`tab_to`, and every element the Tabs passed showed its focus ring."""
    passed = tab_to(page, wanted)
    missing = without_ring(passed)
    assert not missing, (f"{len(missing)} of the {len(passed)} controls Tab passed showed no ring: "
                         + "; ".join(f"{item['tag']} {item['testid']} {item['text']!r}" for item in missing))
    return passed


def button(text: str):
    """A test for :func:`tab_to`: the focused element is a button whose text (after its icon's name) holds ``text``."""
    return lambda focused: focused["tag"] == "BUTTON" and text in focused["text"]


def box(label: str):
    """A test for :func:`tab_to`: the focused element is the input box with this label."""
    return lambda focused: focused["tag"] == "INPUT" and focused["text"].startswith(label)


def press_and_see(page, key: str, shown, text: str, timeout: int = 180_000) -> None:
    """Press ``key`` and wait until the locator ``shown`` says ``text`` and the run it started is over."""
    page.keyboard.press(key)
    pytest.importorskip("playwright.sync_api").expect(shown).to_contain_text(text, timeout=timeout)
    wait_for_app(page)


def open_with_a_model(page, url: str, shown: str, *, timeout: int = 180_000):
    """Open ``url`` (a page that needs a trained model: skipped without one) and wait until ``shown`` (a locator's
    selector) is drawn and the run is over; the locator."""
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the page needs a trained model")
    page.goto(url)
    element = page.locator(shown).first
    element.wait_for(timeout=timeout)
    wait_for_app(page)
    return element


@pytest.mark.browser
def test_the_lab_steps_with_tab_and_enter_and_every_control_shows_its_focus(app_url, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    arithmetic = open_lab(page, app_url)
    wait_for_app(page)
    passed = tab_to_ringed(page, button("Next"))
    assert len(passed) > 10  # the menu, the preset, the view, the editors' toolbars, the settings, play, ...
    screenshot(page, "keyboard_lab_next_focused")
    press_and_see(page, "Enter", arithmetic, "input rows 1–3, columns 2–4")
    # Focus stays on Next, so Enter again moves on again.
    press_and_see(page, "Enter", arithmetic, "input rows 1–3, columns 3–5")
    expect(arithmetic).not_to_contain_text("columns 2–4")


@pytest.mark.browser
def test_the_lesson_checkpoint_and_step_by_keys(app_url, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    title = open_with_a_model(page, f"{app_url}/lesson?step=1", ".st-key-lesson_step h3")
    expect(title).to_contain_text("Step 1 of 10")
    feedback = page.locator('.st-key-lesson_check [data-testid="stAlert"]')
    expect(feedback).to_have_count(0)
    tab_to_ringed(page, lambda focused: focused["tag"] == "INPUT" and focused["type"] == "radio")
    page.keyboard.press("Space")  # picks the option that has the focus, as a click on it would
    expect(feedback).to_be_visible(timeout=60_000)
    wait_for_app(page)
    screenshot(page, "keyboard_lesson_checkpoint")
    press_and_see(page, "ArrowRight", title, "Step 2 of 10")  # the step keys work even while the radio has the focus
    press_and_see(page, "ArrowLeft", title, "Step 1 of 10")


@pytest.mark.browser
def test_the_drill_down_cell_is_chosen_by_typing_its_row_and_column(app_url, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    tab = open_with_a_model(page, f"{app_url}/inside", '[data-testid="stTab"]:has-text("Feature maps")')
    tab.focus()
    page.keyboard.press("Enter")
    page.get_by_text("How was one number made?").wait_for(timeout=180_000)
    wait_for_app(page)
    # The drill-down starts on the brightest cell: type a cell other than that one.
    wanted = {}
    for label in ("Row", "Column"):
        start = int(page.locator(f'[data-testid="stNumberInput"] input[aria-label^="{label} ("]').input_value())
        wanted[label] = 2 if start != 2 else 3
    explained = page.get_by_text(f"The value at row {wanted['Row']}, column {wanted['Column']} of map")
    expect(explained).to_have_count(0)
    for label, number in wanted.items():
        passed = tab_to(page, box(label))
        assert passed[-1]["ring"], passed[-1]
        page.keyboard.press("Control+A")
        page.keyboard.type(str(number))
        page.keyboard.press("Enter")
        wait_for_app(page)
    # The drill-down now explains that cell, as a click on it would have made it.
    expect(explained).to_be_visible(timeout=120_000)


@pytest.mark.browser
def test_live_training_starts_and_stops_by_keys(app_url, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    ready_to_train(page, app_url)  # the photos and settings; the focus is left on the Epochs slider
    progress = page.locator('[data-testid="stProgress"]')
    expect(progress).to_have_count(0)
    tab_to_ringed(page, button("Start training"))
    page.keyboard.press("Enter")
    expect(progress).to_be_visible(timeout=60_000)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Epochs done")).to_contain_text(
        " / 30", timeout=60_000)
    passed = tab_to(page, button("Stop training"))
    assert passed[-1]["ring"], passed[-1]
    screenshot(page, "keyboard_training_stop_focused")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You stopped it after")).to_be_visible(timeout=90_000)
    expect(progress).to_have_count(0)
