"""axe-core on every page (issue #24): no WCAG 2.0 / 2.1 A or AA violation of the app's own, in any state a walk opens.

Each page is checked at 1400×1000 on its first view, then with every expander opened and on every tab (a tab's
own expanders opened too); the lab on each of its views and after a step; the lesson on each of its ten steps,
with a checkpoint answered, and in presentation mode; and every page's first view on a phone (390×844). A finding
passes only if :data:`tests.browser.axe.ALLOWED` lists its rule inside one of Streamlit's own components.
"""

from __future__ import annotations

import pytest

from core.models import registry
from tests.browser.axe import violations
from tests.browser.conftest import screenshot, wait_for_app

PHONE = {"width": 390, "height": 844}
#: The pages, by address; the lab and the lesson get their own walks below.
PAGES = {"classify": "", "board": "board", "inside": "inside", "architecture": "architecture",
         "fragility": "fragility", "dataset": "dataset", "training": "training"}
#: Pages that draw nothing useful without a trained model.
NEEDS_MODEL = {"classify", "inside", "fragility", "lesson", "training", "board"}
LAB_VIEWS = ("convolution", "pooling", "colour", "photo", "decision")

TABS = '[data-testid="stMain"] [data-testid="stTab"]'
CLOSED_EXPANDERS = '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary'
#: Charts drawn and nothing still working (a model loading shows a spinner while the status widget may be gone).
CHARTS_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')
  && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .every(chart => chart.querySelector('.main-svg'))"""
#: The lesson's current step number, from its title ("Step 3 of 10 · ...").
STEP_SHOWN = """(step) => Array.from(document.querySelectorAll('.st-key-lesson_step h3'))
  .some(title => title.textContent.includes(`Step ${step} `))"""


def settle(page) -> None:
    """Wait for the run an action started, and for its charts (a heat map's network runs can take minutes here)."""
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=300_000)
    wait_for_app(page)


def check(page, state: str, found: list[str]) -> None:
    """Run axe now and add each violation, named by the state it was seen in, to ``found``."""
    print(f"axe: {state}")  # pytest shows these for a failed test: the states the walk reached
    for finding in violations(page):
        found.append(f"{state}: {finding['rule']} at {finding['target']} ({finding['why']}) {finding['html']}")


def open_expanders(page, limit: int = 30) -> int:
    """Open every closed expander of the main area that is on screen (those they hold too); how many were opened."""
    opened = 0
    while opened < limit:
        closed = [summary for summary in page.locator(CLOSED_EXPANDERS).all() if summary.is_visible()]
        if not closed:
            break
        closed[0].click()
        opened += 1
        settle(page)
    return opened


#: What a page that loads a model draws once the model has answered: until then its title and a spinner can be all
#: there is, and a cold model on two busy cores takes minutes (the transfer model rebuilds MobileNet first).
LOADED = {"classify": TABS, "inside": TABS, "fragility": TABS, "training": TABS}
MODEL_LOAD_MS = 420_000


def drawn(page, name: str = "") -> None:
    """Wait until the page's script has drawn its title (an empty main area also looks idle) and, on a page that loads
    a model, what it draws after the model has answered; then for its run."""
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=180_000)
    if name in LOADED:
        page.locator(LOADED[name]).first.wait_for(timeout=MODEL_LOAD_MS)
    settle(page)


def walk(page, name: str, found: list[str], limit: int = 20, look=check) -> list[str]:
    """The first view, then all expanders open, then each tab in turn (tabs a tab reveals included); the tabs seen.
    In each state ``look(page, state, found)`` adds what it finds (axe's violations, unless told otherwise)."""
    drawn(page, name)
    look(page, f"{name}: first view", found)
    if open_expanders(page):
        look(page, f"{name}: expanders open", found)
    seen: list[str] = []
    while len(seen) < limit:
        waiting = [tab for tab in page.locator(TABS).all()
                   if tab.is_visible() and tab.inner_text().strip() not in seen]
        if not waiting:
            break
        label = waiting[0].inner_text().strip()
        seen.append(label)
        waiting[0].click()
        settle(page)
        open_expanders(page)
        look(page, f"{name}: tab {label!r}", found)
    return seen


def needs_model(name: str) -> None:
    if name in NEEDS_MODEL and not any(info.available for info in registry.list_models()):
        pytest.skip("the page needs a trained model")


def assert_none(found: list[str]) -> None:
    assert not found, "axe-core found WCAG 2 A/AA violations:\n" + "\n".join(found)


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_every_state_of_a_page_passes_axe(app_url, page, name):
    needs_model(name)
    page.goto(f"{app_url}/{PAGES[name]}")
    found: list[str] = []
    tabs = walk(page, name, found)
    screenshot(page, f"a11y_{name}")
    if name in {"classify", "inside", "training", "architecture"}:
        assert tabs, f"the walk found no tabs on {name}"
    assert_none(found)


@pytest.mark.browser
def test_every_view_of_the_lab_passes_axe(app_url, page):
    found: list[str] = []
    for view in LAB_VIEWS:
        page.goto(f"{app_url}/lab?preset=edge&view={view}")
        walk(page, f"lab {view}", found)
        steps = page.get_by_role("button", name="Next ›")
        if steps.count() and steps.first.is_enabled():
            steps.first.click()
            settle(page)
            check(page, f"lab {view}: after Next", found)
    screenshot(page, "a11y_lab")
    assert_none(found)


def lesson_walk(page, url: str, mode: str, found: list[str]) -> None:
    """Each of the ten steps, moved with the arrow key as a teacher does; its checkpoint answered on each."""
    page.goto(url)
    page.locator(".st-key-lesson_step h3").first.wait_for(timeout=180_000)
    for step in range(1, 11):
        page.wait_for_function(STEP_SHOWN, arg=step, timeout=180_000)
        settle(page)
        if mode == "normal":
            open_expanders(page)
        check(page, f"lesson {mode} step {step}", found)
        answer = page.locator('.st-key-lesson_check [role="radiogroup"] label').first
        if answer.count():
            answer.click()
            settle(page)
            check(page, f"lesson {mode} step {step}: checkpoint answered", found)
        if step < 10:
            page.keyboard.press("ArrowRight")


@pytest.mark.browser
def test_every_step_of_the_lesson_passes_axe_and_presenting_too(app_url, browser, page):
    needs_model("lesson")
    found: list[str] = []
    lesson_walk(page, f"{app_url}/lesson?step=1", "normal", found)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        projector = context.new_page()
        projector.set_default_timeout(60_000)
        lesson_walk(projector, f"{app_url}/lesson?step=1&present=1", "presenting", found)
        screenshot(projector, "a11y_lesson_presenting")
    finally:
        context.close()
    assert_none(found)


@pytest.mark.browser
def test_every_page_on_a_phone_passes_axe(app_url, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    found: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        for name, path in {"lesson": "lesson?step=2", **PAGES, "lab": "lab?preset=edge"}.items():
            if name in NEEDS_MODEL and not any(info.available for info in registry.list_models()):
                continue
            page.goto(f"{app_url}/{path}")
            if name == "lesson":
                page.locator(".st-key-lesson_step h3").first.wait_for(timeout=180_000)
                settle(page)
            else:
                drawn(page, name)
            check(page, f"phone {name}", found)
        screenshot(page, "a11y_phone_lab")
    finally:
        context.close()
    assert_none(found)
