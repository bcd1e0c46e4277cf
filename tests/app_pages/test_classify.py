"""The Classify page in Streamlit's AppTest: demo photo, uploads, bad files, the results table.

The answers the page must show are worked out here, independently of the page:
each photo is decoded, resized with ``model_inputs`` and run through the model
with ``predict_probabilities``, and the expected text is written out by hand.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import PurePosixPath

import numpy as np
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from core.imaging.decode import decode_image
from core.imaging.demo import DEFAULT_DEMO, demo_photo_bytes
from core.models import registry
from core.models.predict import predict_probabilities
from core.prediction.inputs import model_inputs
from tests.conftest import PROJECT_ROOT, make_photo_bytes, page_text

PAGE = str(PROJECT_ROOT / "app_pages" / "classify.py")


def run_page() -> AppTest:
    st.cache_data.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.run()
    return app


@functools.cache
def loaded_model(name: str):
    """Each model loaded once for this module, apart from the page's own cache."""
    return registry.load_model(name)


def expected_probabilities(model_name: str, photo_files: list[bytes]) -> np.ndarray:
    """What the model says about these encoded photos, one row each."""
    info = registry.get_model_info(model_name)
    pixels = [decode_image(data).pixels for data in photo_files]
    return predict_probabilities(loaded_model(model_name), model_inputs(pixels, info.input_size))


def expected_text(class_names: tuple[str, ...], probabilities: np.ndarray) -> tuple[str, str]:
    """The heading and the sentence for one photo, written out by hand."""
    assert class_names == ("cats", "dogs"), "the hand-written names below assume cats and dogs"
    names = {"cats": "cat", "dogs": "dog"}
    top = int(np.argmax(probabilities))
    confidence = float(probabilities[top])
    if confidence < 0.65:
        ranked = ", ".join(f"{probabilities[index]:.0%} {names[class_names[index]]}"
                           for index in np.argsort(probabilities)[::-1])
        return "### 🤔 Not sure", f"Not sure: {ranked}. The network is close to a coin toss on this photo."
    shown = "Over 99.9%" if confidence >= 0.9995 else f"{confidence:.1%}"
    return f"### It's a **{names[class_names[top]]}**", f"{shown} sure."


def markdown_lines(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown]


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


@pytest.mark.slow
def test_demo_cat_is_classified_as_a_cat_by_the_default_model():
    app = run_page()
    assert not app.exception
    default = registry.default_model_name(registry.list_models())
    assert app.selectbox(key="model_picker").value == default
    info = registry.get_model_info(default)
    probabilities = expected_probabilities(default, [demo_photo_bytes(DEFAULT_DEMO)])[0]
    heading, sentence = expected_text(info.class_names, probabilities)
    assert heading == "### It's a **cat**", "the default model should know Chelsea is a cat"
    lines = markdown_lines(app)
    assert heading in lines
    assert sentence in lines
    assert "No photo uploaded yet: showing the demo photo **Chelsea the cat**." in page_text(app)
    assert app.session_state["photo"].name == "Chelsea the cat"


@pytest.mark.slow
def test_every_shipped_model_can_be_chosen_and_gives_its_own_answer():
    app = run_page()
    available = [info for info in registry.list_models() if info.available]
    assert available, "no shipped model is available"
    for info in available:
        app.selectbox(key="model_picker").set_value(info.name).run()
        assert not app.exception, info.name
        probabilities = expected_probabilities(info.name, [demo_photo_bytes(DEFAULT_DEMO)])[0]
        heading, sentence = expected_text(info.class_names, probabilities)
        lines = markdown_lines(app)
        assert [line for line in lines if line.startswith("### ")] == [heading], info.name
        assert sentence in lines, info.name


def test_corrupt_upload_shows_a_message_and_no_exception():
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(("broken.jpg", b"\xff\xd8\xff\xe0 definitely not", "image/jpeg"))
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


@pytest.mark.slow
def test_many_uploads_give_a_table_of_the_model_answers_and_the_first_photo_carries_over(two_uploads):
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(two_uploads)
    app.run()
    assert not app.exception
    model_name = app.selectbox(key="model_picker").value
    expected = expected_probabilities(model_name, [data for _, data, _ in two_uploads])
    table = app.dataframe[0].value
    assert list(table["photo"]) == ["first.jpg", "second.png"]
    assert list(table["probability"]) == pytest.approx(expected.max(axis=1), abs=1e-6)
    answers = ["not sure" if row.max() < 0.65 else ("cat" if row.argmax() == 0 else "dog") for row in expected]
    assert list(table["prediction"]) == answers
    assert "2 photos" in [element.value for element in app.subheader]
    assert app.session_state["photo"].name == "first.jpg"
    assert app.session_state["photo"].pixels.shape == (90, 120, 3)
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
    [button] = app.get("download_button")
    assert button.label == "Download results (CSV)"
    rows = list(csv.DictReader(io.StringIO(downloaded_bytes(button, recorded_media).decode())))
    assert [row["file"] for row in rows] == ["first.jpg", "second.png"]
    assert [row["prediction"] for row in rows] == [class_names[index] for index in expected.argmax(axis=1)]
    assert [float(row["probability"]) for row in rows] == pytest.approx(expected.max(axis=1), abs=1e-4)
    assert [row["unsure"] for row in rows] == [str(bool(p < 0.65)) for p in expected.max(axis=1)]
    for row, probabilities in zip(rows, expected):
        assert [float(row[f"p_{name}"]) for name in class_names] == pytest.approx(probabilities, abs=1e-4)
    # The table and the file agree.
    table = app.dataframe[0].value
    assert [float(row["probability"]) for row in rows] == pytest.approx(list(table["probability"]), abs=1e-4)


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
    assert (f"The photo is squeezed to **{width}×{height} pixels**. To the network it is just a grid of numbers: "
            f"{height} rows × {width} columns × 3 colour channels (red, green, blue) = {height * width * 3:,} numbers "
            "from 0 (dark) to 255 (bright). The model ") in page_text(app)
