"""The Classify page in Streamlit's AppTest: demo photo, uploads, bad files, the results table."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.models import registry
from tests.conftest import PROJECT_ROOT, make_photo_bytes, page_text

PAGE = str(PROJECT_ROOT / "app_pages" / "classify.py")


def run_page() -> AppTest:
    st.cache_data.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.run()
    return app


@pytest.mark.slow
def test_demo_cat_is_classified_as_a_cat_by_the_default_model():
    app = run_page()
    assert not app.exception
    default = registry.default_model_name(registry.list_models())
    assert app.selectbox(key="model_picker").value == default
    assert "It's a **cat**" in page_text(app)
    assert app.session_state["photo"].name == "Chelsea the cat"


@pytest.mark.slow
def test_every_shipped_model_can_be_chosen():
    app = run_page()
    for info in registry.list_models():
        if not info.available:
            continue
        app.selectbox(key="model_picker").set_value(info.name).run()
        assert not app.exception, info.name
        assert "### " in page_text(app)


def test_corrupt_upload_shows_a_message_and_no_exception():
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value(("broken.jpg", b"\xff\xd8\xff\xe0 definitely not", "image/jpeg"))
    app.run()
    assert not app.exception
    errors = [element.value for element in app.error]
    assert any("broken.jpg" in message for message in errors)
    # The page goes on with the demo photo instead of stopping.
    assert "demo photo" in "\n".join(element.value for element in app.info)


def test_many_uploads_give_a_table_and_csv_and_the_first_photo_carries_over():
    app = run_page()
    app.file_uploader(key="classify_uploads").set_value([
        ("first.jpg", make_photo_bytes(120, 90), "image/jpeg"),
        ("second.png", make_photo_bytes(64, 64, fmt="PNG"), "image/png"),
    ])
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["photo"]) == ["first.jpg", "second.png"]
    assert all(0.5 <= p <= 1.0 for p in table["probability"])
    assert app.session_state["photo"].name == "first.jpg"
    assert app.session_state["photo"].pixels.shape == (90, 120, 3)
