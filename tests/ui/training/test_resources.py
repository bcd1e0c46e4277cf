"""The Training page's file caches: keyed on the file's time, so a replaced file shows at once."""

from __future__ import annotations

import json
import os

import pytest
import streamlit as st
from PIL import Image

from ui.resources import training as training_resources


@pytest.fixture(autouse=True)
def empty_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def touch_later(path) -> None:
    """Move the file's time on: two writes within one clock tick could otherwise share a time."""
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 100))


def test_a_thumbnail_keeps_proportions_and_follows_a_replaced_file(tmp_path):
    path = tmp_path / "cat.png"
    Image.new("RGB", (400, 200), (200, 10, 10)).save(path)
    first = training_resources.thumbnail(path)
    assert first.shape == (90, 180, 3)  # the longer side shrunk to 180, proportions kept
    assert tuple(first[0, 0]) == (200, 10, 10)
    Image.new("RGB", (100, 100), (10, 200, 10)).save(path)
    touch_later(path)
    second = training_resources.thumbnail(path)
    assert second.shape == (100, 100, 3)  # never enlarged
    assert tuple(second[0, 0]) == (10, 200, 10)


def test_a_file_that_is_not_a_photo_has_no_thumbnail(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("not a photo")
    assert training_resources.thumbnail(path) is None
    assert training_resources.thumbnail(tmp_path / "missing.jpg") is None


def test_history_and_metrics_of_a_model_folder(tmp_path):
    from core.models.registry import ModelInfo

    info = ModelInfo(name="m", title="M", architecture="tiny", kind="keras", input_size=(32, 32),
                     class_names=("cats", "dogs"), test_accuracy=None, folder=tmp_path)
    assert training_resources.model_history(info) is None  # no history.json
    assert training_resources.model_metrics(info) == {}
    (tmp_path / "history.json").write_text(json.dumps({"loss": [0.5, 0.4]}))
    (tmp_path / "metrics.json").write_text(json.dumps({"accuracy": 0.8}))
    assert training_resources.model_history(info).loss == (0.5, 0.4)
    assert training_resources.model_metrics(info) == {"accuracy": 0.8}
    (tmp_path / "history.json").write_text("{broken")
    touch_later(tmp_path / "history.json")
    message = training_resources.model_history(info)
    assert isinstance(message, str) and "not valid JSON" in message
