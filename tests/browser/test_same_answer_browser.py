"""In Chromium: one real photo from the reporting half gets the same percentage and verdict on Classify and in the
Lesson.

Screenshots (artifacts/screenshots/): the Classify page at desktop size, the
Lesson's step 6 at projector size in presentation mode, and step 7 on a phone.
"""

from __future__ import annotations

import re

import pytest

from core.data.real_photos import DEFAULT_REAL_PHOTOS, split_real_photos
from core.imaging.photo import photo_from_bytes
from core.models import registry
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_photo_follows_browser import upload, verdict
from tests.support import honest_answers as honest
from tests.support.requirements import require

pytestmark = pytest.mark.browser


def lesson_answer(page) -> tuple[str, str]:
    """The label and value of the step's answer metric ("The app says dog", "Neither? Best guess dog", ...)."""
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]').filter(has_text=re.compile("The app says|Not sure|Neither")))
    metric.first.wait_for(timeout=120_000)
    label = metric.first.locator('[data-testid="stMetricLabel"]').inner_text().strip()
    value = metric.first.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return label, value


def test_a_real_photo_gets_the_same_answer_on_classify_and_in_the_lesson(browser, app_url):
    require(DEFAULT_REAL_PHOTOS.is_dir(), "../shared/data/cats_dogs_photos (real photos)")
    path = split_real_photos()["reporting"].paths[0]
    data = open(path, "rb").read()
    default = registry.default_model_name(registry.list_models())
    [probabilities] = honest.calibrated_probabilities(default, [photo_from_bytes("photo.jpg", data).pixels])
    top = int(probabilities.argmax())
    label, percent = honest.SINGULAR[("cats", "dogs")[top]], honest.whole_percent(float(probabilities[top]))

    desk = browser.new_context(viewport={"width": 1400, "height": 900})
    page = desk.new_page()
    page.set_default_timeout(120_000)
    page.goto(app_url)
    wait_for_app(page)
    upload(page, [("real_photo.jpg", data)])
    page.get_by_text("real_photo.jpg · ").first.wait_for()
    wait_for_app(page)
    shown = verdict(page)
    flagged = shown.startswith("🤷")
    expected = honest.expected_heading(default, probabilities, neither=flagged).removeprefix("### ")
    assert shown == expected.replace("**", "")
    sentence = f"Its best guess: {label}, {percent}." if flagged else f"The model gives it {percent} {label}"
    page.get_by_text(sentence).first.wait_for()
    screenshot(page, "same_answer_classify_desktop")
    photo_id = re.search(r"photo=([0-9a-f]+)", page.url).group(1)
    desk.close()

    # The projector: the Lesson's step 6 in presentation mode, for the same photo (its id in the address).
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    page = projector.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{app_url}/lesson?step=6&model={default}&present=1&photo={photo_id}")
    wait_for_app(page)
    name, value = lesson_answer(page)
    assert value == percent and name.endswith(label)
    assert name.startswith("Neither" if flagged else "Not sure" if shown == "🤔 Not sure" else "The app says")
    page.get_by_text(f"gives **{percent} {label}**".replace("**", "")).first.wait_for()
    screenshot(page, "same_answer_lesson_step6_projector")
    projector.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{app_url}/lesson?step=7&model={default}&photo={photo_id}")
    wait_for_app(page)
    assert lesson_answer(page)[1] == percent
    screenshot(page, "same_answer_lesson_step7_phone")
    phone.close()
