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


#: The smallest text a student reads in the step (HTML and the charts' SVG alike), with a sample of it, and the
#: QR code's width. Only text that is drawn counts: hidden helpers and empty tooltips do not.
READABLE = """() => {
  const step = document.querySelector('.st-key-lesson_step');
  const found = [];
  const walker = document.createTreeWalker(step, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || !element || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.visibility === 'hidden' || parseFloat(style.opacity) === 0 || box.width < 1 || box.height < 1) continue;
    found.push({size: parseFloat(style.fontSize), text: text.slice(0, 60)});
  }
  found.sort((one, other) => one.size - other.size);
  const qr = step.querySelector('.st-key-lesson_side [data-testid="stImage"] img[src]');
  // Text cut off at its box's edge ("Try it: Convoluti"): wider inside than the box shows.
  const cut = Array.from(step.querySelectorAll('[data-testid="stPageLink"] p'))
    .filter(element => element.scrollWidth > element.clientWidth + 1).map(element => element.textContent.trim());
  // Words a caption breaks across two lines ("astronau|t"): a word's range then has two boxes.
  const broken = [];
  for (const caption of step.querySelectorAll('[data-testid="stCaptionContainer"]')) {
    const captionWalker = document.createTreeWalker(caption, NodeFilter.SHOW_TEXT);
    while (captionWalker.nextNode()) {
      const node = captionWalker.currentNode;
      if (node.parentElement.closest('a')) continue;  // an address may break anywhere
      for (const match of node.textContent.matchAll(/[A-Za-z]{4,}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        if (new Set(Array.from(range.getClientRects()).map(box => Math.round(box.top))).size > 1) broken.push(match[0]);
      }
    }
  }
  return {smallest: found[0] || null, qr: qr ? qr.getBoundingClientRect().width : null, cut: cut, broken: broken};
}"""


#: Pairs of chart labels drawn on top of each other (an axis title through the legend, say): their texts.
OVERLAPPING_CHART_TEXT = """() => {
  const overlaps = [];
  for (const chart of document.querySelectorAll('.st-key-lesson_step .js-plotly-plot')) {
    const boxes = Array.from(chart.querySelectorAll('svg text'))
      .filter(text => text.textContent.trim() && getComputedStyle(text).visibility !== 'hidden')
      .map(text => ({text: text.textContent.trim().slice(0, 30), box: text.getBoundingClientRect()}))
      .filter(item => item.box.width > 0 && item.box.height > 0);
    for (let one = 0; one < boxes.length; one++) {
      for (let other = one + 1; other < boxes.length; other++) {
        const a = boxes[one].box, b = boxes[other].box;
        const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (width > 2 && height > 2) overlaps.push([boxes[one].text, boxes[other].text]);
      }
    }
  }
  return overlaps;
}"""


def on_step(page, step: int, qr: bool = True) -> dict:
    page.get_by_text(f"Step {step} of 10").first.wait_for(timeout=180_000)
    page.wait_for_function(IDLE, timeout=180_000)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=180_000)  # every step shows a key number
    if qr:
        page.locator('.st-key-lesson_side [data-testid="stImage"] img').last.wait_for(timeout=180_000)
    return page.evaluate(MEASURE)


def needs_a_model() -> None:
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the lesson needs a trained model")


def answer_checkpoint(page) -> None:
    """Click the checkpoint's first answer, as a teacher with a mouse would, and wait for its feedback."""
    page.locator('.st-key-lesson_check [role="radiogroup"] label').first.click()
    page.locator('.st-key-lesson_check [data-testid="stAlert"]').first.wait_for(timeout=60_000)
    page.wait_for_function(IDLE, timeout=120_000)


def fits_the_screen(page, step: int, when: str) -> None:
    measured = page.evaluate(MEASURE)
    assert page.locator('[data-testid="stException"]').count() == 0, (step, when)
    assert measured["scroll"] <= measured["height"], (step, when, measured)  # no vertical scroll of the main area
    assert measured["width"] <= measured["viewport"], (step, when, measured)
    assert measured["smallest"] is not None and measured["smallest"] >= 28, (step, when, measured)
    assert not measured["sidebar"], step


@pytest.mark.browser
@pytest.mark.parametrize("name", ["classic", "transfer"])
def test_presentation_mode_fits_one_screen_and_the_keys_move_after_an_answer(name, room_url, browser, request):
    """Issue #26 items 6, 7 and 10: each step fits 1280×720 before and after its answer, reads at 20 px or more,
    and ArrowRight / PageDown move on even while the answer just clicked has the focus."""
    needs_a_model()
    if name == "transfer":
        request.getfixturevalue("mobilenet_weights")
    if not any(info.name == name and info.available for info in registry.list_models()):
        pytest.fail(f"the shipped {name} model is missing")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(180_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{room_url}/lesson?present=1&model={name}")
        wait_for_app(page)
        for step in range(1, 11):
            on_step(page, step)
            fits_the_screen(page, step, "before its answer")
            readable = page.evaluate(READABLE)
            assert readable["smallest"]["size"] >= 20, (step, readable)
            assert readable["qr"] is not None and readable["qr"] >= 160, (step, readable)
            assert not readable["cut"], (step, readable)
            assert not readable["broken"], (step, readable)
            answer_checkpoint(page)
            fits_the_screen(page, step, "after its answer")
            assert page.evaluate(READABLE)["smallest"]["size"] >= 20, step
            overlapping = page.evaluate(OVERLAPPING_CHART_TEXT)
            assert not overlapping, (step, overlapping)
            path = screenshot(page, f"lesson_present_{name}_{step:02d}")
            if step == 2 and name == "classic":
                shutil.copyfile(path, PROJECT_ROOT / "artifacts" / "screenshots" / "lesson_readme.png")
            # The answer just clicked keeps the focus. Clickers send PageDown; keyboards the right arrow: both move on.
            page.keyboard.press("PageDown" if step % 2 else "ArrowRight")
        page.keyboard.press("ArrowLeft")
        on_step(page, 9)
        assert "step=9" in page.url
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.browser
def test_a_local_address_gets_how_phones_get_in_instead_of_a_qr_code(app_url, browser):
    """Issue #26 item 11: a QR code of 127.0.0.1 opens nothing on a phone, so the teacher is told what to do."""
    needs_a_model()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        page.goto(f"{app_url}/lesson?present=1")
        wait_for_app(page)
        on_step(page, 1, qr=False)
        assert page.locator('.st-key-lesson_side [data-testid="stImage"] img').count() == 0
        assert page.get_by_text("No QR code: phones cannot open 127.0.0.1.").is_visible()
        page.get_by_text("How phones get in").click()
        hint = page.get_by_text("--server.address 0.0.0.0").first
        hint.wait_for()
        assert hint.is_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_on_a_phone_no_step_scrolls_sideways(room_url, browser):
    needs_a_model()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        for step in (1, 2, 4, 6, 9):
            page.goto(f"{room_url}/lesson?step={step}")
            wait_for_app(page)
            measured = on_step(page, step)
            assert measured["width"] <= measured["viewport"], (step, measured)
            screenshot(page, f"lesson_phone_{step:02d}")
    finally:
        context.close()


@pytest.mark.browser
def test_a_step_url_opens_that_step_in_a_fresh_browser(room_url, browser):
    needs_a_model()
    model = registry.default_model_name(registry.list_models())
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        page.goto(f"{room_url}/lesson?step=7&model={model}")
        wait_for_app(page)
        on_step(page, 7)
        assert page.get_by_text("Grad-CAM for").first.is_visible()
        assert page.get_by_text(f"step=7&model={model}").count() >= 1  # the QR code's address, shown beside it
    finally:
        context.close()
