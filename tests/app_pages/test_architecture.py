"""The Architecture page in AppTest: the classic model's numbers, the controls, the transfer model."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.arithmetic.numbers import format_count
from core.models import custom, registry
from tests.conftest import PROJECT_ROOT, page_text
from ui import resources

PAGE = str(PROJECT_ROOT / "app_pages" / "architecture.py")


@pytest.fixture
def app() -> AppTest:
    """A fresh page session (the models it builds are cached per process, so this is quick after the first)."""
    st.cache_data.clear()
    page = AppTest.from_file(PAGE, default_timeout=180)
    page.run()
    assert not page.exception, page.exception
    return page


def tab_metrics(page: AppTest, tab: int) -> dict[str, str]:
    return {metric.label: metric.value for metric in page.tabs[tab].metric}


def test_classic_is_shown_with_the_correct_numbers(app):
    assert app.selectbox(key="architecture_model").value == "classic"
    shown = tab_metrics(app, 0)
    assert shown["Parameters"] == "3,453,121"
    assert shown["Size (float32)"] == "13.8 MB"
    table = app.tabs[0].dataframe[0].value
    rows = dict(zip(table["layer"], table["how they are counted"]))
    assert rows["conv1"] == "3×3×3×32 + 32 = 896"
    assert rows["dense"] == "6,272 × 512 + 512 = 3,211,776"
    assert dict(zip(table["layer"], table["output shape"]))["pool4"] == "7 × 7 × 128"
    text = page_text(app)
    # The mistake section: the right numbers, computed, and where the wrong ones come from.
    assert "150 → 148 → 74 → 72 → 36 → 34 → 17 → 15 → 7" in text
    assert "**6,272**" in text and "**3,211,776**" in text and "**3,453,121**" in text
    assert "150 → 150 → 75 → 75 → 37 → 37 → 18 → 18 → 9" in text and "10,368" in text
    assert "same** padding" in text
    assert "Checked: the valid-padding sizes above are the real Keras model's output shapes." in text
    assert "max(0, x)" in text and "(./lab)" in text
    assert len(app.tabs[0].get("plotly_chart")) >= 2


def test_build_your_own_defaults_to_classic_and_follows_the_controls(app):
    assert tab_metrics(app, 1)["Parameters"] == "3,453,121"
    app.radio(key="custom_padding").set_value("same").run()
    assert not app.exception
    same = custom.build_custom(custom.CustomArchitecture(padding="same")).count_params()
    assert tab_metrics(app, 1)["Parameters"] == format_count(same)
    app.slider(key="custom_blocks").set_value(2)
    app.radio(key="custom_head").set_value("global_average")
    app.select_slider(key="custom_dense").set_value(128)
    app.checkbox(key="custom_batchnorm").check()
    app.number_input(key="custom_classes").set_value(4).run()
    assert not app.exception
    assert [box.label for box in app.tabs[1].selectbox] == ["Block 1", "Block 2"]
    app.selectbox(key="custom_filters_1").set_value(16).run()
    expected = custom.build_custom(custom.CustomArchitecture(
        padding="same", filters=(32, 16), head="global_average", dense_units=128, batch_norm=True, num_classes=4))
    assert tab_metrics(app, 1)["Parameters"] == format_count(expected.count_params())
    custom_table = app.tabs[1].dataframe[0].value
    assert "batchnorm1" in list(custom_table["layer"]) and "Dense (softmax)" in list(custom_table["type"])
    ratio = expected.count_params() / 3_453_121
    assert (f"Your model has {format_count(expected.count_params())} parameters, {ratio:.2f}× the classic "
            "model's 3,453,121.") in [element.value for element in app.tabs[1].info]


def test_an_impossible_model_shows_an_error_not_a_traceback(app):
    app.select_slider(key="custom_input").set_value(32)
    app.select_slider(key="custom_kernel").set_value(7)
    app.slider(key="custom_blocks").set_value(6).run()
    assert not app.exception
    errors = [element.value for element in app.tabs[1].error]
    assert errors and "smaller than its 7×7 kernel" in errors[0]
    app.select_slider(key="custom_input").set_value(150)
    app.select_slider(key="custom_kernel").set_value(3)
    app.slider(key="custom_blocks").set_value(4).run()
    assert not app.tabs[1].error


def test_transfer_model_shows_its_fine_tuned_base(app):
    app.selectbox(key="architecture_model").set_value("transfer").run()
    assert not app.exception
    labels = [expander.label for expander in app.tabs[0].expander]
    # The shipped base has its top 4 blocks' 8 convolutions fine-tuned (the model card lists them).
    tuned = len(registry.fine_tuned_layers(registry.get_model_info("transfer").card))
    state = f"{tuned} layers fine-tuned, the rest frozen" if tuned else "frozen"
    assert any("Inside `mobilenet_0.25_384`: 86 layers" in label and state in label for label in labels)
    table = app.tabs[0].dataframe[0].value
    assert list(table["layer"]) == ["pixels", "rescale", "mobilenet_0.25_384", "head"]
    assert dict(zip(table["layer"], table["trained"]))["mobilenet_0.25_384"] == ("partly" if tuned else "frozen")
    shown = tab_metrics(app, 0)
    assert int(shown["Trainable"].replace(",", "")) < int(shown["Parameters"].replace(",", ""))
    text = page_text(app)
    if "Not trained here yet" not in text:  # the shipped model loaded: its head and the base's weight file
        assert "The saved files take" in text
    app.selectbox(key="architecture_model").set_value("classic").run()
    assert tab_metrics(app, 0)["Parameters"] == "3,453,121"


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """Point the page's model caches at a temporary models folder (empty: a fresh install)."""
    monkeypatch.setattr(resources, "cached_model_list", lambda: registry.list_models(tmp_path))
    monkeypatch.setattr(resources, "cached_model", lambda name: registry.load_model(name, models_dir=tmp_path))
    return tmp_path


def test_fresh_install_builds_the_architectures_in_code(models_dir):
    page = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not page.exception
    assert page.selectbox(key="architecture_model").value == "classic"
    assert tab_metrics(page, 0)["Parameters"] == "3,453,121"
    assert "Not trained here yet" in page_text(page)


def test_a_shipped_model_is_loaded_with_its_file_size(models_dir):
    import json

    from core.models import architectures

    folder = models_dir / "tiny"
    folder.mkdir()
    architectures.tiny().save(folder / "model.keras")
    (folder / "model.json").write_text(json.dumps({"name": "tiny", "architecture": "tiny", "kind": "keras",
                                                   "input_size": [32, 32], "class_names": ["cats", "dogs"]}))
    page = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not page.exception
    page.selectbox(key="architecture_model").set_value("tiny").run()
    assert not page.exception
    assert tab_metrics(page, 0)["Parameters"] == "417"
    text = page_text(page)
    size = (folder / "model.keras").stat().st_size / 1e6
    assert f"The saved file takes {size:.2f} MB on disk." in text
    assert "Not trained here yet" not in text
