"""Issue #15, defect 2, as a teacher meets it: the uploaded photo must survive page switches and a reload.

Upload a photo on Classify, go to "Filters, feature maps, Grad-CAM" and back, reload
the page: the photo's name and its prediction are still there. With two uploads the
teacher chooses which one follows them to the other pages.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.imaging.demo import DEFAULT_DEMO, DOG_DEMO, demo_photo_bytes
from core.imaging.photo import photo_from_bytes
from core.models import registry
from tests.browser.conftest import screenshot, wait_for_app
from tests.support import honest_answers as honest

pytestmark = pytest.mark.browser

INSIDE = "Filters, feature maps, Grad-CAM"
CLASSIFY = "Classify a photo"


def as_phone_jpeg(name: str) -> bytes:
    """A demo photo saved as an ordinary JPEG, as if it came from a phone."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(demo_photo_bytes(name))).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def expected_sentence(data: bytes) -> tuple[str, str]:
    """The verdict and the calibrated sentence the default model gives this file, worked out outside the app."""
    name = registry.default_model_name(registry.list_models())
    [probabilities] = honest.calibrated_probabilities(name, [photo_from_bytes("photo.jpg", data).pixels])
    heading = honest.expected_heading(name, probabilities)
    assert heading.startswith("### It's a"), "the test needs a photo the default model names"
    return heading.removeprefix("### ").replace("**", ""), honest.gives_sentence(probabilities)


def go_to(page, title: str, wait_text: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title).click()
    page.get_by_text(wait_text).first.wait_for(timeout=120_000)
    wait_for_app(page)


def upload(page, files: list[tuple[str, bytes]]) -> None:
    page.locator('input[type="file"]').first.wait_for(state="attached", timeout=120_000)
    page.locator('input[type="file"]').first.set_input_files(
        files=[{"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in files])


def verdict(page) -> str:
    verdicts = page.locator("h3").filter(has_text="It's a").or_(page.locator("h3").filter(has_text="Not sure")).or_(
        page.locator("h3").filter(has_text="Neither"))
    verdicts.first.wait_for(timeout=120_000)
    return verdicts.first.inner_text().strip()


def test_the_uploaded_photo_survives_two_page_switches_and_a_reload(page, app_url):
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the Classify page needs a trained model to accept uploads")
    data = as_phone_jpeg(DOG_DEMO)
    heading, sentence = expected_sentence(data)

    page.goto(app_url)
    wait_for_app(page)
    upload(page, [("rex.jpg", data)])
    page.get_by_text("rex.jpg · ").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert verdict(page) == heading
    assert "photo=" in page.url

    go_to(page, INSIDE, "Inside the model")
    page.get_by_text("Photo: rex.jpg (change)").wait_for(timeout=120_000)
    assert "photo=" in page.url, "the other pages keep the photo in the address"
    go_to(page, CLASSIFY, "Does this CNN see a cat or a dog?")
    page.get_by_text("rex.jpg · ").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.get_by_text("No photo uploaded yet").count() == 0
    assert verdict(page) == heading
    page.get_by_text(sentence).first.wait_for()

    page.reload()
    wait_for_app(page)
    page.get_by_text("rex.jpg · ").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.get_by_text("No photo uploaded yet").count() == 0
    assert verdict(page) == heading
    page.get_by_text(sentence).first.wait_for()
    screenshot(page, "photo_follows_after_reload")


def test_with_two_uploads_the_teacher_chooses_the_photo_that_follows(page, app_url):
    if not any(info.available for info in registry.list_models()):
        pytest.skip("the Classify page needs a trained model to accept uploads")
    page.goto(app_url)
    wait_for_app(page)
    upload(page, [("tabby.jpg", as_phone_jpeg(DEFAULT_DEMO)), ("rex.jpg", as_phone_jpeg(DOG_DEMO))])
    page.get_by_text("Photo that follows you to the other pages").wait_for(timeout=120_000)
    wait_for_app(page)
    follow = page.locator('[data-testid="stRadio"]').filter(has_text="Photo that follows you")
    follow.get_by_text("rex.jpg", exact=True).click()
    wait_for_app(page)
    screenshot(page, "photo_follows_choice")

    go_to(page, INSIDE, "Inside the model")
    page.get_by_text("Photo: rex.jpg (change)").wait_for(timeout=120_000)
    go_to(page, CLASSIFY, "Does this CNN see a cat or a dog?")
    # Both photos are back, and the choice is kept.
    page.get_by_text("tabby.jpg · ").first.wait_for(timeout=120_000)
    page.get_by_text("rex.jpg · ").first.wait_for(timeout=120_000)
    follow = page.locator('[data-testid="stRadio"]').filter(has_text="Photo that follows you")
    assert follow.locator("input:checked").count() == 1
    checked = follow.locator("label").filter(has=page.locator("input:checked"))
    assert checked.inner_text().strip() == "rex.jpg"
