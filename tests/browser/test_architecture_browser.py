"""The Architecture page in a real browser: the classic model's key numbers are on screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app


@pytest.mark.browser
def test_architecture_page_shows_the_classic_numbers(app_url, page):
    # Start at the app's front page and follow the sidebar link, as a learner would.
    page.goto(app_url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Architecture").click()
    page.wait_for_url("**/architecture*")  # the ?photo=<id> that follows the learner
    wait_for_app(page)
    page.get_by_text("The common arithmetic mistake").wait_for()
    page.get_by_text("3,453,121").first.wait_for()
    body = page.locator("body").inner_text()
    assert "6,272" in body
    assert "3,453,121" in body
    assert "3,211,776" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    # The shape-flow diagram is drawn (Plotly renders an SVG per chart; its script loads
    # lazily on a freshly started server, after the text is already there).
    page.locator(".js-plotly-plot").nth(2).wait_for(state="attached", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() >= 3
    # The charts are for reading: no Plotly toolbar (ui.components.charts.CHART_CONFIG).
    assert page.locator(".js-plotly-plot .modebar-btn").count() == 0
    # Streamlit scrolls inside its own container: a tall window puts the whole page in the picture.
    page.set_viewport_size({"width": 1400, "height": 3400})
    page.wait_for_function("""() => window.innerHeight === 3400
        && document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3""")
    wait_for_app(page)
    path = screenshot(page, "architecture_classic")
    assert path.stat().st_size > 10_000
