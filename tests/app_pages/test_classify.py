"""The Classify page in Streamlit's AppTest: demo photo, uploads, bad files, the results table, the photo that follows.

The answers the page must show are worked out here, independently of the page:
each photo is decoded, resized with ``model_inputs`` and run through the model
with ``predict_probabilities``; its logit, divided by the temperature on the
model's card, gives the calibrated percentage, and the expected words are
written out by hand (tests/support/honest_answers.py).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import PurePosixPath

import numpy as np
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from core.imaging.decode import decode_image
from core.imaging.demo import DEFAULT_DEMO, demo_photo_bytes
from core.imaging.photo import Photo
from core.models import registry
from core.prediction.inputs import model_inputs
from harness.phone_photos import phone_photo_jpeg
from harness.photo_files import make_photo_bytes
from tests.conftest import PROJECT_ROOT, page_text
from tests.support import honest_answers as honest
from tests.support.requirements import require
from ui import resources

PAGE = str(PROJECT_ROOT / "app_pages" / "classify.py")
APP = str(PROJECT_ROOT / "app.py")
COFFEE = "A cup of coffee (neither class)"


def run_page() -> AppTest:
    st.cache_data.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.run()
    return app


def expected_probabilities(model_name: str, photo_files: list[bytes]) -> np.ndarray:
    """The calibrated (cat, dog) probabilities of these encoded photos, one row each."""
    return honest.calibrated_probabilities(model_name, [decode_image(data).pixels for data in photo_files])


def headings(app: AppTest) -> list[str]:
    return [line for line in markdown_lines(app) if line.startswith("### ")]


def explanations(app: AppTest) -> list[str]:
    """The paragraph under each photo's heading."""
    return [line for line in markdown_lines(app) if line.startswith(("The model gives it", "This doesn't look"))]


def bar_values(app: AppTest) -> list[list[float]]:
    """Each photo's probability bars, as drawn."""
    charts = [element for element in app.get("plotly_chart") if "bars_" in str(element.proto.id)]
    return [json.loads(chart.proto.spec)["data"][0]["x"] for chart in charts]


def markdown_lines(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown]


def session_photo(app: AppTest) -> Photo:
    """The photo that follows the learner: the session holds its id, the server's store the photo."""
    photo_id = app.session_state["photo"]
    assert isinstance(photo_id, str), "the session must hold a photo id, not the photo"
    photo = resources.cached_photo_store().get(photo_id)
    assert photo is not None, f"the photo store has no photo {photo_id}"
    return photo


@pytest.fixture
def recorded_media(monkeypatch) -> list[MemoryMediaFileStorage]:
    """Every media store the AppTest runs create, so a test can read a download button's file."""
    stores: list[MemoryMediaFileStorage] = []

    class RecordingStorage(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    return stores


def downloaded_bytes(button, stores: list[MemoryMediaFileStorage]) -> bytes:
    """The file behind a download button, from the last run's media store."""
    filename = PurePosixPath(button.proto.url).name
    assert filename, "the download button has no file URL"
    return stores[-1].get_file(filename).content


def details(app: AppTest) -> list[str]:
    """What each photo's expander says about its "neither" score."""
    return [line for line in markdown_lines(app) if "the line of" in line]


def assert_verdict_follows_the_score(app: AppTest, model_name: str, probabilities: np.ndarray) -> bool:
    """The heading and first sentence agree with the photo's score against the line; True if it was flagged.

    A flagged photo still gets the model's best guess with its percentage in the first sentence.
    """
    [detail] = details(app)
    flagged = "above the line of" in detail
    assert flagged != ("at or below the line of" in detail)
    assert headings(app) == [honest.expected_heading(model_name, probabilities, neither=flagged)]
    [summary] = explanations(app)
    assert summary.startswith(honest.expected_summary(model_name, probabilities, neither=flagged))
    if flagged:
        assert "so on a photo like this they mean little" in detail
    else:
        assert detail.startswith("This looks like the cats and dogs I learned from.")
    line = honest.card(model_name)["novelty"]
    assert f"the line of {line['threshold']:.3g}, set {line['line_set_on']}." in detail
    return flagged


@pytest.mark.slow
def test_demo_cat_is_classified_as_a_cat_by_the_default_model_with_its_calibrated_percentage():
    app = run_page()
    assert not app.exception
    default = registry.default_model_name(registry.list_models())
    assert app.selectbox(key="model_picker").value == default
    [probabilities] = expected_probabilities(default, [demo_photo_bytes(DEFAULT_DEMO)])
    assert int(np.argmax(probabilities)) == 0, "the default model's best guess for Chelsea is cat"
    # Whether the "neither" score flags this studio close-up is a finding, not a rule the score was fitted to.
    assert_verdict_follows_the_score(app, default, probabilities)
    # The bars show the calibrated percentages: in log-odds (exact for Chelsea's tiny P(dog)), the network's own
    # logit divided by the card's temperature, not the logit itself.
    [bars] = bar_values(app)
    assert bars == pytest.approx(probabilities, abs=1e-4)
    [raw] = honest.raw_probabilities(default, [decode_image(demo_photo_bytes(DEFAULT_DEMO)).pixels])
    raw_logit, shown_logit = (float(np.log(dog) - np.log1p(-dog)) for dog in (raw[1], bars[1]))
    assert shown_logit == pytest.approx(raw_logit / honest.temperature(default), rel=1e-3)
    assert honest.temperature(default) == 1.0 or shown_logit != pytest.approx(raw_logit, rel=1e-2)
    assert "No photo uploaded yet: showing the demo photo **Chelsea the cat**." in page_text(app)
    assert session_photo(app).name == "Chelsea the cat"


@pytest.mark.slow
def test_the_coffee_demo_gets_a_verdict_from_its_score_and_a_record_that_names_the_real_photos():
    info = registry.get_model_info("transfer")
    require(info.available, f"The transfer model ({info.reason})")
    stored = honest.card("transfer")["novelty"]
    assert stored["shown"] and stored["method"] == "outliers"
    app = run_page()
    app.selectbox(key="model_picker").set_value("transfer").run()
    assert not app.exception
    app.radio(key="classify_demo").set_value(COFFEE).run()
    assert not app.exception
    [coffee] = expected_probabilities("transfer", [demo_photo_bytes(COFFEE)])
    flagged = assert_verdict_follows_the_score(app, "transfer", coffee)
    [detail] = details(app)
    assert "weighed from its features (the weights were learned from the training photos and from photos of " \
           "other things)" in detail
    [bars] = bar_values(app)
    assert bars == pytest.approx(coffee, abs=1e-4)
    # How far to trust the flag, from the card, with which photos each rate was measured on.
    captions = "\n".join(element.value for element in app.caption)
    wrongly = (f"{100 * stored['test_flag_rate']:.1f}% of the test cats and dogs (photos shrunk like the training "
               f"ones) and {100 * stored['real']['flagged']['colour']:.1f}% of {stored['real']['count']} real photos "
               "of cats and dogs from other sources")
    assert wrongly in captions
    if flagged:
        assert (f"it caught {stored['caught']['overall']:.1%} of them (other animals "
                f"{stored['caught']['animals']:.0%}, objects and scenes {stored['caught']['objects_scenes']:.0%}"
                ) in captions


@pytest.mark.slow
def test_every_shipped_model_can_be_chosen_and_gives_its_own_answer():
    app = run_page()
    available = [info for info in registry.list_models() if info.available]
    assert available, "no shipped model is available"
    for info in available:
        app.selectbox(key="model_picker").set_value(info.name).run()
        assert not app.exception, info.name
        [probabilities] = expected_probabilities(info.name, [demo_photo_bytes(DEFAULT_DEMO)])
        [heading] = headings(app)
        # A model's "neither" flag may fire on Chelsea (a studio close-up); the words then say so, with the best guess.
        neither = heading == "### 🤷 Neither a cat nor a dog?"
        assert heading == honest.expected_heading(info.name, probabilities, neither), info.name
        [explanation] = explanations(app)
        assert explanation.startswith(honest.expected_summary(info.name, probabilities, neither)), info.name
        assert bar_values(app)[0] == pytest.approx(probabilities, abs=1e-4), info.name


def test_corrupt_upload_shows_a_message_and_no_exception():
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(
        ("broken.jpg", b"\xff\xd8\xff\xe0 definitely not", "image/jpeg"))
    app.run()
    assert not app.exception
    errors = [element.value for element in app.error]
    assert any(message.startswith("**broken.jpg**: ") for message in errors)
    # The page goes on with the demo photo instead of stopping.
    assert "demo photo" in "\n".join(element.value for element in app.info)


@pytest.fixture
def two_uploads() -> list[tuple[str, bytes, str]]:
    return [
        ("first.jpg", make_photo_bytes(120, 90), "image/jpeg"),
        ("second.png", make_photo_bytes(64, 64, color=(20, 200, 240), fmt="PNG"), "image/png"),
    ]


def expected_answers(model_name: str, expected: np.ndarray, rows: list[dict]) -> list[str]:
    """The table's answer per photo: "neither" where the CSV's score is above the card's line, else by hand."""
    line = honest.card(model_name)["novelty"]["threshold"]
    answers = []
    for probabilities, row in zip(expected, rows):
        assert (row["neither"] == "True") == (float(row["novelty_score"]) > line), row
        top = int(probabilities.argmax())
        answers.append("neither" if row["neither"] == "True" else
                       "not sure" if probabilities[top] < honest.unsure_line(model_name) else ("cat", "dog")[top])
    return answers


def uploaded_rows(app: AppTest, recorded_media) -> list[dict]:
    [button] = app.get("download_button")
    assert button.label == "Download results (CSV)"
    return list(csv.DictReader(io.StringIO(downloaded_bytes(button, recorded_media).decode())))


@pytest.mark.slow
def test_many_uploads_give_a_table_of_the_model_answers_and_the_first_photo_carries_over(two_uploads,
                                                                                          recorded_media):
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(two_uploads)
    app.run()
    assert not app.exception
    model_name = app.selectbox(key="model_picker").value
    expected = expected_probabilities(model_name, [data for _, data, _ in two_uploads])
    table = app.dataframe[0].value
    assert list(table["photo"]) == ["first.jpg", "second.png"]
    # The calibrated percentage, worded as the bars word it ("over 99.9%", never a rounded 1.000).
    assert list(table["probability"]) == [f"{honest.one_decimal(p.max())} {('cat', 'dog')[p.argmax()]}"
                                          for p in expected]
    answers = expected_answers(model_name, expected, uploaded_rows(app, recorded_media))
    assert list(table["answer"]) == answers
    # The headings under the table give the same answers.
    assert headings(app) == [honest.expected_heading(model_name, p, answer == "neither")
                             for p, answer in zip(expected, answers)]
    assert "2 photos" in [element.value for element in app.subheader]
    assert session_photo(app).name == "first.jpg"
    assert session_photo(app).pixels.shape == (90, 120, 3)
    # No demo photo when the learner gave photos.
    assert not app.info


@pytest.mark.slow
def test_many_uploads_can_be_downloaded_as_csv(two_uploads, recorded_media):
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(two_uploads)
    app.run()
    assert not app.exception
    model_name = app.selectbox(key="model_picker").value
    class_names = registry.get_model_info(model_name).class_names
    expected = expected_probabilities(model_name, [data for _, data, _ in two_uploads])
    rows = uploaded_rows(app, recorded_media)
    assert [row["file"] for row in rows] == ["first.jpg", "second.png"]
    assert [row["top_class"] for row in rows] == [("cat", "dog")[index] for index in expected.argmax(axis=1)]
    assert [float(row["probability"]) for row in rows] == pytest.approx(expected.max(axis=1), abs=1e-4)
    line = honest.unsure_line(model_name)
    assert [row["unsure"] for row in rows] == [str(bool(p < line)) for p in expected.max(axis=1)]
    for row, probabilities in zip(rows, expected):
        assert [float(row[f"p_{name}"]) for name in class_names] == pytest.approx(probabilities, abs=1e-4)
    # The table and the file agree.
    table = app.dataframe[0].value
    assert list(table["photo"]) == [row["file"] for row in rows]
    assert list(table["answer"]) == [row["answer"] for row in rows]
    # Three significant digits in the table, four in the file.
    assert [float(score) for score in table["neither score"]] == pytest.approx(
        [float(row["novelty_score"]) for row in rows], rel=5e-3)


def test_one_photo_has_no_table():
    app = run_page()
    assert not app.exception
    assert not app.get("download_button")
    assert not any(element.value.endswith(" photos") for element in app.subheader)


def test_the_crop_shows_the_numbers_the_model_receives():
    app = run_page()
    model_name = app.selectbox(key="model_picker").value
    info = registry.get_model_info(model_name)
    height, width = info.input_size
    # The sliders start in the middle of the model's input.
    assert app.slider(key="crop_top").value == height // 2 - 3
    assert app.slider(key="crop_left").value == width // 2 - 3
    app.slider(key="crop_top").set_value(0)
    app.slider(key="crop_left").set_value(width - 6)
    app.run()
    assert not app.exception
    received = model_inputs([decode_image(demo_photo_bytes(DEFAULT_DEMO)).pixels], info.input_size)[0]
    red, green, blue = (element.value for element in app.dataframe)
    for channel, shown in enumerate((red, green, blue)):
        np.testing.assert_array_equal(shown.to_numpy(), received[0:6, width - 6:width, channel])
    assert list(red.index) == list(range(6))
    assert list(red.columns) == list(range(width - 6, width))
    assert f"Pixel values of the 6×6 square at row 0, column {width - 6}." in page_text(app)
    assert (f"Like the photos it learned from, the photo is first shrunk until its longer side is at most 256 "
            f"pixels, then squeezed to **{width}×{height} pixels**. To the network it is just a grid of numbers: "
            f"{height} rows × {width} columns × 3 colour channels (red, green, blue) = {height * width * 3:,} numbers "
            "from 0 (dark) to 255 (bright). The model ") in page_text(app)


def arrays_in(value, path: str = "session_state"):
    """(path, array) for every NumPy array in ``value``: containers and dataclasses, at any depth."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from arrays_in(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple, set)):
        for index, item in enumerate(value):
            yield from arrays_in(item, f"{path}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from arrays_in(getattr(value, field.name), f"{path}.{field.name}")


@pytest.fixture(scope="module")
def phone_jpeg() -> bytes:
    """A 12-megapixel phone JPEG stored sideways (EXIF orientation 6), like a teacher's upload."""
    return phone_photo_jpeg(4000, 3000, orientation=6, grain=2)


def test_a_12_megapixel_upload_leaves_no_array_above_the_working_size_in_the_session(phone_jpeg):
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(("IMG_0001.jpg", phone_jpeg, "image/jpeg")).run()
    assert not app.exception
    assert session_photo(app).pixels.shape == (1280, 960, 3)
    assert session_photo(app).size_text == "3000×4000 px (working copy 960×1280)"
    found = list(arrays_in(app.session_state.to_dict()))
    too_large = [(path, array.shape) for path, array in found if max(array.shape[:2], default=0) > 1280]
    assert not too_large
    assert sum(array.nbytes for _, array in found) <= 4 * 1280 * 1280 * 3  # a few MB at most


def test_the_photo_follows_the_learner_to_another_page_and_back():
    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    app.file_uploader(key="classify_uploads").set_value(("my_dog.jpg", make_photo_bytes(120, 90), "image/jpeg")).run()
    assert not app.exception
    photo_id = app.session_state["photo"]
    assert session_photo(app).name == "my_dog.jpg"
    assert app.query_params.get("photo") in (photo_id, [photo_id])
    shown = headings(app)
    app.switch_page("app_pages/architecture.py").run()
    assert not app.exception
    assert app.session_state["photo"] == photo_id
    assert app.query_params.get("photo") in (photo_id, [photo_id]), "every page keeps ?photo= in the address"
    # The lab rewrites the whole address for its own link; the photo's id stays in it.
    app.switch_page("app_pages/lab.py").run()
    assert not app.exception
    assert app.query_params.get("photo") in (photo_id, [photo_id])
    assert app.query_params.get("preset"), "the lab's own link is there too"
    app.switch_page("app_pages/classify.py").run()
    assert not app.exception
    # The uploader is empty again, yet the page shows the photo and its answer, not the demo photo.
    assert not app.file_uploader(key="classify_uploads").value
    assert "No photo uploaded yet" not in page_text(app)
    assert headings(app) == shown
    assert app.session_state["photo"] == photo_id


def test_a_fresh_session_opened_with_the_photo_link_gets_the_photo_back():
    first = run_page()
    first.file_uploader(key="classify_uploads").set_value(("kept.png", make_photo_bytes(80, 60, fmt="PNG"),
                                                           "image/png")).run()
    photo_id = first.session_state["photo"]
    reloaded = AppTest.from_file(PAGE, default_timeout=120)
    reloaded.query_params["photo"] = photo_id
    reloaded.run()
    assert not reloaded.exception
    assert session_photo(reloaded).name == "kept.png"
    assert "No photo uploaded yet" not in page_text(reloaded)
    assert not reloaded.info


def test_a_link_to_a_forgotten_photo_says_so_and_shows_the_demo_photo():
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.query_params["photo"] = "0000000000"
    app.run()
    assert not app.exception
    infos = [element.value for element in app.info]
    assert any(message.startswith("The photo from before is no longer kept on the server") for message in infos)
    assert session_photo(app).name == DEFAULT_DEMO


def test_with_two_uploads_the_learner_chooses_which_photo_follows(two_uploads):
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(two_uploads).run()
    follow = app.radio(key="classify_follow")
    assert follow.label == "Photo that follows you to the other pages"
    assert list(follow.options) == ["first.jpg", "second.png"]  # the options as shown: the photos' names
    assert session_photo(app).name == "first.jpg"
    follow.set_value(follow.options[1]).run()
    assert not app.exception
    assert session_photo(app).name == "second.png"
    assert app.radio(key="classify_follow").value == session_photo(app).photo_id
    # The numbers the network receives are the chosen photo's.
    info = registry.get_model_info(app.selectbox(key="model_picker").value)
    height, width = info.input_size
    received = model_inputs([decode_image(two_uploads[1][1]).pixels], info.input_size)[0]
    top, left = height // 2 - 3, width // 2 - 3
    np.testing.assert_array_equal(app.dataframe[-1].value.to_numpy(), received[top:top + 6, left:left + 6, 2])
