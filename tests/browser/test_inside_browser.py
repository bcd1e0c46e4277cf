"""In a real browser: the photo carries over from the Classify page to Grad-CAM, and a click on a feature map."""

from __future__ import annotations

import time

import pytest

from core.models import registry
from harness.photo_files import make_photo_bytes
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import SHARED_DATA

NAV_LABEL = "Filters, feature maps, Grad-CAM"
ALL_CHARTS_DRAWN = """() => {
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return charts.length > 0 && Array.from(charts).every(chart => chart.querySelector('.main-svg'));
}"""
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
NOTHING_STALE = "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0"
ZOOMED_MAP_DRAWN = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .some(plot => plot._fullLayout && (plot.layout.title?.text || '').includes(' · map '))"""
# Where cell (row, column) of the zoomed map is on screen, from the chart's own axes.
CELL_ON_SCREEN = """([row, column]) => {
  const plot = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(plot => (plot.layout.title?.text || '').includes(' · map '));
  plot.scrollIntoView();
  const box = plot.getBoundingClientRect();
  const xaxis = plot._fullLayout.xaxis, yaxis = plot._fullLayout.yaxis;
  return {x: box.left + xaxis._offset + xaxis.l2p(column), y: box.top + yaxis._offset + yaxis.l2p(row)};
}"""
TWO_GRADCAM_TITLES = """() => Array.from(document.querySelectorAll('.gtitle'))
  .filter(title => (title.textContent || '').startsWith('Grad-CAM for')).length === 2"""


def photo_to_upload() -> tuple[str, bytes, str]:
    """A real cat photo when the shared data is here, else a generated one."""
    cats = sorted((SHARED_DATA / "test" / "cats").glob("*.jpg")) if (SHARED_DATA / "test" / "cats").is_dir() else []
    if cats:
        return "browser-cat.jpg", cats[0].read_bytes(), "image/jpeg"
    return "browser-photo.png", make_photo_bytes(320, 240, fmt="PNG"), "image/png"


def settle(page) -> None:
    """Wait until the script run is over and every Plotly chart on screen is drawn."""
    page.wait_for_function(IDLE, timeout=120_000)
    page.wait_for_function(NOTHING_STALE, timeout=120_000)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=120_000)


@pytest.mark.browser
def test_photo_carries_over_and_gradcam_overlay_shows(app_url, page):
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the Classify page needs a trained model to accept uploads")
    name, data, mime = photo_to_upload()

    page.goto(app_url)
    page.locator('input[type="file"]').first.wait_for(state="attached", timeout=120_000)
    page.locator('input[type="file"]').first.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    # The photo's caption ("name · W×H px") is drawn only after the upload was decoded,
    # classified and stored for the other pages; the file chip appears before that.
    page.get_by_text(f"{name} · ").first.wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)

    # Navigate inside the app (a new URL would start a new session without the photo).
    page.locator('[data-testid="stSidebarNav"]').get_by_text(NAV_LABEL).click()
    page.get_by_text("Inside the model").first.wait_for(timeout=120_000)
    page.get_by_text(f"Photo: {name} (change)").wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)

    page.get_by_role("tab", name="Where it looked").click()
    page.get_by_text("Heat-map opacity").wait_for(timeout=120_000)
    page.wait_for_function(TWO_GRADCAM_TITLES, timeout=120_000)
    settle(page)
    titles = page.locator(".gtitle", has_text="Grad-CAM for")
    assert titles.count() == 2
    assert page.get_by_text(f"{name}, as the model sees it").count() == 1
    # The overlay: a photo layer and a heat-map layer in the same chart.
    overlay = page.locator('[data-testid="stPlotlyChart"]', has=page.locator(".gtitle", has_text="Grad-CAM for")).first
    assert overlay.locator("image").count() >= 1
    titles.first.scroll_into_view_if_needed()
    path = screenshot(page, "inside_gradcam")
    assert path.stat().st_size > 10_000


@pytest.mark.browser
def test_clicking_a_feature_map_cell_explains_that_cell(app_url, page):
    """A real click on the zoomed map (its payload carries customdata as a dict) moves the drill-down there."""
    page.goto(f"{app_url}/inside")
    page.get_by_text("Showing: ").wait_for(timeout=120_000)  # after the model picker and its toggle
    wait_for_app(page)  # a click during a run can land on an element that is about to be redrawn
    # The untrained classic network: its first maps are small enough to click.
    untrained = page.locator('[data-testid="stCheckbox"]').filter(has_text="untrained")
    untrained.click()
    page.get_by_text("Showing: Classic 4-block CNN, untrained").wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_role("tab", name="Feature maps").click()
    page.get_by_text("Zoom into one map").wait_for(timeout=120_000)
    wait_for_app(page)
    page.wait_for_function(ZOOMED_MAP_DRAWN, timeout=120_000)
    assert page.get_by_text("The value at row 3, column 4 of map").count() == 0

    cell = page.evaluate(CELL_ON_SCREEN, [2, 3])  # 0-based on the chart's axes; the page counts from 1
    page.mouse.move(cell["x"], cell["y"])
    page.mouse.click(cell["x"], cell["y"])
    page.get_by_text("The value at row 3, column 4 of map").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("matches the model: ✓").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


#: The drill-down's row and column boxes (counted from 1), or null while a rerun still shows the old ones beside them.
CHOSEN_CELL = """() => {
  const value = label => Array.from(document.querySelectorAll(`input[aria-label="${label}"]`))
    .filter(input => !input.closest('[data-stale="true"]')).map(input => input.value);
  const [rows, columns] = [value('Row (1–192)'), value('Column (1–192)')];
  return rows.length === 1 && columns.length === 1 ? [rows[0], columns[0]] : null;
}"""


def chosen_cell(page) -> tuple[str, str] | None:
    """The drill-down's row and column boxes, as the page shows them (None while a rerun shows two of each)."""
    shown = page.evaluate(CHOSEN_CELL)
    return None if shown is None else (shown[0], shown[1])


def wait_for_chosen_cell_to_move(page, start: tuple[str, str], timeout_s: float = 60) -> tuple[int, int]:
    """Wait until the row and column boxes no longer hold ``start``; the cell they hold then."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        shown = chosen_cell(page)
        if shown is not None and shown != start:
            return int(shown[0]), int(shown[1])
        page.wait_for_timeout(250)
    pytest.fail(f"The chosen cell stayed at row {start[0]}, column {start[1]} after the tap")


#: The window sizes a teacher's projector and a student's phone show the page at.
WINDOWS = {"projector": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}


@pytest.mark.browser
@pytest.mark.parametrize("window", list(WINDOWS))
def test_clicking_a_cell_of_the_default_models_first_map_explains_it(app_url, browser, window, mobilenet_weights):
    """The default (transfer) model's first maps are 192×192: a click there moves the drill-down too."""
    context = browser.new_context(viewport=WINDOWS[window], is_mobile=window == "phone", has_touch=window == "phone")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/inside")
        page.get_by_text("Showing: ").wait_for(timeout=120_000)
        wait_for_app(page)
        page.get_by_role("tab", name="Feature maps").click()
        page.get_by_text("Zoom into one map").wait_for(timeout=180_000)
        wait_for_app(page)
        page.wait_for_function(ZOOMED_MAP_DRAWN, timeout=120_000)
        title = page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
          .map(plot => plot.layout.title?.text || '').find(text => text.includes(' · map '))""")
        assert "conv1 · map " in title and "192×192" in title, title
        # Row 101, column 58 as the page counts (from 1): 100 and 57 on the chart's 0-based axes.
        start = chosen_cell(page)
        assert start is not None
        assert abs(int(start[0]) - 101) > 2 or abs(int(start[1]) - 58) > 2, start  # it starts elsewhere

        cell = page.evaluate(CELL_ON_SCREEN, [100, 57])
        if window == "phone":
            page.touchscreen.tap(cell["x"], cell["y"])
        else:
            page.mouse.move(cell["x"], cell["y"])
            page.mouse.click(cell["x"], cell["y"])
        chosen = wait_for_chosen_cell_to_move(page, start)
        wait_for_app(page)
        row, column = chosen
        # A cell of this map is 1.1 px tall on a phone (2.3 px on the projector), so the chart's own rounding of
        # the tap's position to its pixels may pick a neighbour: the tapped cell or one beside it, not the start.
        assert abs(row - 101) <= 1 and abs(column - 58) <= 1, (row, column)
        assert page.get_by_text(f"The value at row {row}, column {column} of map").count() == 1
        assert page.get_by_text("matches the model: ✓").count() == 1
        page.get_by_text("How was one number made?").scroll_into_view_if_needed()
        screenshot(page, f"inside_cell_clicked_{window}")
    finally:
        context.close()
