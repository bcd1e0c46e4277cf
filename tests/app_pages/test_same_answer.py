"""One photo, one model, one answer: Classify, the inside page, the Lesson's steps and the command line side by side.

The photo is a real phone photo from the reporting half of ``cats_dogs_photos``
(a generated photo where ``../shared`` is absent, outside CI). The expected
percentage is worked out here from the network's own output and the card's
temperature (tests/support/honest_answers.py), not with core.prediction.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.data.real_photos import DEFAULT_REAL_PHOTOS, split_real_photos
from core.imaging.photo import photo_from_bytes
from harness.photo_files import make_photo_bytes
from tests.conftest import PROJECT_ROOT, page_text
from tests.support import honest_answers as honest
from tests.support.requirements import require

APP = str(PROJECT_ROOT / "app.py")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_photo(tmp_path_factory) -> Path:
    """A reporting-half photo, or a generated one on a machine without ../shared (skipped there only outside CI)."""
    if DEFAULT_REAL_PHOTOS.is_dir():
        return Path(split_real_photos()["reporting"].paths[0])
    require(False, "../shared/data/cats_dogs_photos (real photos)")
    path = tmp_path_factory.mktemp("photo") / "photo.jpg"
    path.write_bytes(make_photo_bytes(640, 480))
    return path


def metric_values(app: AppTest) -> dict[str, str]:
    return {item.label: item.value for item in app.metric}


@pytest.mark.parametrize("model_name", ["transfer", "classic"])
def test_classify_inside_lesson_and_the_command_line_give_the_same_percentage_and_verdict(real_photo, model_name):
    data = real_photo.read_bytes()
    pixels = photo_from_bytes(real_photo.name, data).pixels
    calibrated = honest.calibrated_probabilities(model_name, [pixels])[0]
    top = int(np.argmax(calibrated))
    percent = honest.whole_percent(float(calibrated[top]))
    label = honest.SINGULAR[("cats", "dogs")[top]]

    app = AppTest.from_file(APP, default_timeout=240)
    app.session_state["model_name"] = model_name  # the session's model, which every page's picker starts from
    app.run()
    app.file_uploader(key="classify_uploads").set_value((real_photo.name, data, "image/jpeg")).run()
    assert not app.exception
    classify = page_text(app)
    heading = next(element.value for element in app.markdown if element.value.startswith("### "))
    neither = "Neither" in heading
    assert f"{percent}" in classify and (f"{percent} {label}" in classify or f"{label}, {percent}" in classify)
    assert heading == honest.expected_heading(model_name, calibrated, neither)

    app.switch_page("app_pages/inside.py").run()
    assert not app.exception
    inside = [element.value for element in app.markdown if element.value.startswith("#### ")]
    assert heading.replace("### ", "#### ") in inside, inside
    assert f"{label}: {percent}" in page_text(app)

    app.switch_page("app_pages/lesson.py").run()
    assert not app.exception
    for step in (6, 7):
        app.session_state["lesson_step"] = step
        app.run()
        assert not app.exception
        shown = [value for name, value in metric_values(app).items()
                 if name.startswith(("The app says", "Not sure", "Neither"))]
        assert shown == [percent], (step, metric_values(app))
        assert label in next(name for name in metric_values(app) if name.startswith(("The app says", "Not sure",
                                                                                       "Neither")))

    command = subprocess.run([sys.executable, "-m", "core.prediction", str(real_photo), "--model", model_name],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert command.returncode == 0, command.stderr
    line = command.stdout.strip().splitlines()[0]
    expected_answer = "neither" if neither else ("not sure" if "Not sure" in heading else label)
    assert re.search(rf": {re.escape(expected_answer)} \({re.escape(percent)} {label}\)", line), line
