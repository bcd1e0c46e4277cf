"""A person's first visit: open the app, upload a JPEG, read the prediction."""

import pytest

from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import make_photo_bytes

pytestmark = pytest.mark.browser


def test_upload_a_jpeg_and_see_the_prediction(page, app_url, tmp_path):
    photo = tmp_path / "my_pet.jpg"
    photo.write_bytes(make_photo_bytes(640, 480))
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("Does this CNN see a cat or a dog?").wait_for()
    # The demo photo is classified before anything is uploaded.
    page.get_by_text("It's a").first.wait_for()
    page.locator('input[type="file"]').first.set_input_files(str(photo))
    # The photo's caption appears once the upload has been decoded and classified.
    page.get_by_text("my_pet.jpg · 640×480 px").first.wait_for()
    wait_for_app(page)
    page.wait_for_function("() => Array.from(document.images).every(image => image.complete)")
    verdict = page.locator("h3").filter(has_text="It's a").or_(page.locator("h3").filter(has_text="Not sure"))
    verdict.first.wait_for()
    text = verdict.first.inner_text()
    assert text.startswith("It's a cat") or text.startswith("It's a dog") or text.startswith("🤔 Not sure")
    assert page.get_by_text("What the network actually receives").count() == 1
    assert page.get_by_text("No photo uploaded yet").count() == 0
    screenshot(page, "classify")
