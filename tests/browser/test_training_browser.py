"""The Training page in a real browser: a live training's progress bar and chart update, then Stop."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.browser.conftest import screenshot, wait_for_app

LIVE_CHART_POINTS = '[data-testid="stPlotlyChart"] .scatterlayer .point'


def generated_zip(per_class: int = 200, size: int = 32) -> bytes:
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, name in enumerate(("cats", "dogs")):
            for number in range(per_class):
                pixels = rng.integers(0, 80, (size, size, 3)).astype(np.uint8)
                pixels[..., index] += 150
                image = io.BytesIO()
                Image.fromarray(pixels).save(image, format="PNG")
                archive.writestr(f"{name}/{name}_{number}.png", image.getvalue())
    return buffer.getvalue()


def chart_points(page) -> int:
    return page.locator(LIVE_CHART_POINTS).count()


def choose(page, option: str, tries: int = 3) -> None:
    """Click a radio option and wait until it shows as chosen. A click that lands while the previous click's rerun
    is still starting can be undone by that rerun, as a person would see; they click again, and so does this."""
    expect = pytest.importorskip("playwright.sync_api").expect
    chosen = page.locator('[data-testid="stRadio"] label').filter(has_text=option).locator("input")
    for _ in range(tries):
        page.locator('[data-testid="stRadio"]').get_by_text(option).click()
        wait_for_app(page)
        try:
            expect(chosen).to_be_checked(timeout=15_000)
        except AssertionError:
            continue
        wait_for_app(page)
        return
    pytest.fail(f"The option {option!r} did not stay chosen after {tries} clicks")


def ready_to_train(page, app_url: str) -> None:
    """The Train live tab with 400 generated photos, from scratch, at the smallest size and the most epochs (so there
    is time to watch and to stop), up to its Start button."""
    page.goto(f"{app_url}/training")
    wait_for_app(page)
    page.get_by_role("tab", name="Train live").click()

    # Generated photos uploaded as a zip of class folders: the same on every machine.
    choose(page, "your own photos")
    # Own photos start on transfer learning, whose epochs take milliseconds: watch one from scratch instead.
    choose(page, "From scratch")
    choose(page, "small (3 conv layers)")
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="zip of class folders")
    uploader.locator('input[type="file"]').set_input_files(
        files=[{"name": "photos.zip", "mimeType": "application/zip", "buffer": generated_zip()}])
    page.get_by_text("Photos per class: cats: 200, dogs: 200").wait_for()
    wait_for_app(page)

    image_size = page.locator('[data-testid="stSlider"]').filter(has_text="Image size").get_by_role("slider")
    image_size.focus()
    image_size.press("Home")
    wait_for_app(page)
    # As many epochs as the slider allows, so there is time to watch and to stop.
    epochs = page.locator('[data-testid="stSlider"]').filter(has_text="Epochs").get_by_role("slider")
    epochs.focus()
    epochs.press("End")
    wait_for_app(page)
    assert epochs.input_value() == "30"


@pytest.mark.browser
def test_live_training_progress_chart_and_stop(page, app_url):
    ready_to_train(page, app_url)
    page.get_by_role("button", name=re.compile("Start training")).click()
    progress = page.locator('[data-testid="stProgress"]')
    progress.wait_for(timeout=60_000)

    # The metric and the chart move on after each epoch without any click.
    epochs_done = page.locator('[data-testid="stMetric"]').filter(has_text="Epochs done")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => /Epochs done\\s*[1-9]\\d* \\/ 30/.test(m.innerText))""",
        timeout=90_000,
    )
    # One marker per epoch on each of the four curves: 4 after the first epoch, 8 after the second.
    page.wait_for_function(f"() => document.querySelectorAll('{LIVE_CHART_POINTS}').length >= 4", timeout=30_000)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => /Epochs done\\s*([2-9]|\\d\\d) \\/ 30/.test(m.innerText))""",
        timeout=90_000,
    )
    page.wait_for_function(f"() => document.querySelectorAll('{LIVE_CHART_POINTS}').length >= 8", timeout=30_000)
    # The progress panel's third metric: found by its label, as other tabs of the page have metrics too.
    assert page.locator('[data-testid="stMetric"]').filter(has_text="Remaining (estimate)").count() == 1
    # The panel is redrawn every second, so scroll with one script call rather than a locator action.
    page.evaluate("document.querySelector('[data-testid=\"stProgress\"]').scrollIntoView({block: 'start'})")
    screenshot(page, "training-live-progress")

    # Epochs the page reported as done just before Stop: the run can only have gone further.
    seen_done = int(re.search(r"(\d+) / 30", epochs_done.inner_text()).group(1))
    page.get_by_role("button", name=re.compile("Stop training")).click()
    page.get_by_text("You stopped it after").wait_for(timeout=90_000)
    wait_for_app(page)
    assert progress.count() == 0
    text = page.locator('[data-testid="stAlert"]').filter(has_text="You stopped it").inner_text()
    stopped_after = int(re.search(r"after (\d+) epoch", text).group(1))
    assert 2 <= seen_done <= stopped_after < 30
    assert epochs_done.count() == 0
    page.get_by_text("How well does it do on the held-out photos?").wait_for()
    page.get_by_role("button", name="Model (.keras)").wait_for()
    page.get_by_text("You stopped it after").scroll_into_view_if_needed()
    screenshot(page, "training-live-stopped")
    page.get_by_text("Try it on a photo").scroll_into_view_if_needed()
    screenshot(page, "training-live-try-and-download")


@pytest.mark.browser
def test_learning_curves_and_evaluation_of_the_shipped_models(page, app_url):
    from core.models import registry

    infos = [info for info in registry.list_models() if (info.folder / "history.json").is_file()]
    if not infos:
        pytest.skip("no shipped models in models/ yet")
    page.goto(f"{app_url}/training")
    wait_for_app(page)
    # Two charts (accuracy and loss) per model on the first tab.
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {2 * len(infos)}")
    for info in infos:
        assert page.get_by_role("heading", name=info.title).count() == 1
    screenshot(page, "training-learning-curves")
    page.get_by_role("tab", name="Compare models").click()
    page.locator('[data-testid="stTable"]').wait_for()
    screenshot(page, "training-compare")
    page.get_by_role("tab", name="Evaluate").click()
    page.get_by_text("Photos it got wrong").wait_for()
    wait_for_app(page)
    page.evaluate("[...document.querySelectorAll('h4')].find(h => h.innerText.includes('Photos it got wrong'))"
                  ".scrollIntoView({block: 'start'})")
    screenshot(page, "training-evaluate")


def png_bytes(colour: tuple[int, int, int], size: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.browser
def test_a_duplicate_upload_is_refused(page, app_url):
    page.goto(f"{app_url}/training")
    wait_for_app(page)
    page.get_by_role("tab", name="Train live").click()
    page.locator('[data-testid="stRadio"]').get_by_text("your own photos").click()
    wait_for_app(page)
    reds = [{"name": f"red_{index}.png", "mimeType": "image/png", "buffer": png_bytes((200, 10 * index, 0))}
            for index in range(5)]
    blues = [{"name": f"blue_{index}.png", "mimeType": "image/png", "buffer": png_bytes((0, 10 * index, 200))}
             for index in range(5)]
    # The teacher's slip: the first red photo again, renamed, among the blue ones.
    blues.append({"name": "copy.png", "mimeType": "image/png", "buffer": reds[0]["buffer"]})
    for label, files in (("Photos of class 1", reds), ("Photos of class 2", blues)):
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text=label)
        uploader.locator('input[type="file"]').set_input_files(files=files)
        wait_for_app(page)
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="exact duplicate")
    warning.wait_for()
    assert "class 2/copy.png (the same pixels as class 1/red_0.png)" in warning.inner_text()
    page.get_by_text("Photos per class: class 1: 5, class 2: 5").wait_for()
    warning.scroll_into_view_if_needed()
    screenshot(page, "training-duplicate-refused")


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1400, 1000), (1280, 720)])
def test_the_comparison_table_shows_every_column(page, app_url, width, height):
    from core.models import registry

    if not registry.list_models():
        pytest.skip("no shipped models in models/ yet")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/training")
    wait_for_app(page)
    page.get_by_role("tab", name="Compare models").click()
    table = page.locator('[data-testid="stTable"]')
    table.wait_for()
    table.scroll_into_view_if_needed()
    # Columns are cut off when the table is wider than the page's main column (it would scroll sideways).
    overflow = table.evaluate("""(element) => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]') || element.parentElement;
        const inner = element.querySelector('table') || element;
        return Math.max(inner.scrollWidth - element.clientWidth,
                        inner.getBoundingClientRect().right - main.getBoundingClientRect().right);
    }""")
    assert table.locator("th").filter(has_text="ROC AUC").count() == 1
    screenshot(page, f"training-compare-{width}x{height}")
    assert overflow <= 1, f"{overflow} px of the comparison table are cut off at {width}×{height}"
