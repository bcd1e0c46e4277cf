"""A small class at once: four browser sessions upload their own phone photo at the same moment.

Kept small for CI (bench/classroom_load.py measures 20 and 30). Every session
must get its own photo's right label, with no exception on any page.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from bench.classroom_load import phone_jpeg
from core.paths import SHARED_DIR
from tests.support.requirements import require

pytestmark = pytest.mark.browser

TEST_PHOTOS = SHARED_DIR / "data" / "cats_dogs" / "test"
#: Test photos the shipped default model labels right even as sideways 12 MP phone JPEGs.
STUDENTS = [("cats", "cat_04501.jpg", "cat"), ("dogs", "dog_04503.jpg", "dog"),
            ("cats", "cat_04508.jpg", "cat"), ("dogs", "dog_04510.jpg", "dog")]
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'


@pytest.fixture(scope="module")
def student_photos():
    require(TEST_PHOTOS.is_dir(), f"the cats-and-dogs test photos in {TEST_PHOTOS}")
    photos = []
    for index, (folder, name, label) in enumerate(STUDENTS):
        upright = np.asarray(Image.open(TEST_PHOTOS / folder / name).convert("RGB"))
        photos.append((f"student{index}_{name}", phone_jpeg(upright, seed=index), label))
    return photos


def test_four_sessions_at_once_each_get_their_own_right_answer(browser, app_url, student_photos):
    contexts, pages, errors = [], [], []
    try:
        for _ in student_photos:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(app_url, timeout=120_000)
            page.locator(UPLOADER).first.wait_for(state="attached", timeout=120_000)
            contexts.append(context)
            pages.append(page)
        # All uploads start before any answer is awaited, so the server handles them together.
        for page, (name, data, _) in zip(pages, student_photos):
            page.locator(UPLOADER).first.set_input_files(files=[{"name": name, "mimeType": "image/jpeg",
                                                                 "buffer": data}])
        for page, (name, _, label) in zip(pages, student_photos):
            page.get_by_text(f"{name} ·").first.wait_for(timeout=180_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=180_000)
            verdicts = " ".join(page.locator("h3").all_inner_texts()).lower()
            assert f" {label}" in verdicts, f"{name}: expected {label!r}, the page says {verdicts!r}"
            assert "traceback" not in page.content().lower()
        assert errors == []
    finally:
        for context in contexts:
            context.close()
