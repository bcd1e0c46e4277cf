"""The Dataset & augmentation page in AppTest: fresh install, a generated folder, a zip, the preview."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from harness.photo_files import make_class_folder, make_photo_bytes
from tests.conftest import PROJECT_ROOT, page_text

PAGE = str(PROJECT_ROOT / "app_pages" / "dataset.py")


def run_page(monkeypatch, data_dir: Path, readable: str | None = None) -> AppTest:
    monkeypatch.setenv("CNN_CLASSROOM_DATA", str(data_dir))
    if readable is None:
        monkeypatch.delenv("CNN_CLASSROOM_READ_FOLDERS", raising=False)
    else:
        monkeypatch.setenv("CNN_CLASSROOM_READ_FOLDERS", readable)
    st.cache_data.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def frame_with(app: AppTest, column: str):
    """The first dataframe that has ``column`` (AppTest does not keep the keys of plain dataframes)."""
    for element in app.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with a {column!r} column")


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.fixture
def split_data(tmp_path) -> Path:
    root = tmp_path / "cats_dogs"
    # Different sizes per split: make_class_folder() draws the same photos on every call.
    for split, count, size in (("train", 8, 40), ("validation", 2, 41), ("test", 2, 42)):
        make_class_folder(root / split, per_class=count, size=size)
    photo = make_photo_bytes(120, 90)
    (root / "train" / "cats" / "cut.jpg").write_bytes(photo[: len(photo) // 2])
    shutil.copyfile(root / "train" / "dogs" / "dogs_000.png", root / "test" / "dogs" / "again.png")
    return root


def test_fresh_install_explains_how_to_get_data_and_still_previews(monkeypatch, tmp_path):
    app = run_page(monkeypatch, tmp_path / "nothing here")
    # By default no visitor reads a server path: the shipped photos (absent here) and uploads only.
    assert app.radio(key="dataset_source").options == ["A zip from your device"]
    assert not [element for element in app.text_input if element.key == "dataset_folder"]
    assert "switched off" in page_text(app) and "CNN_CLASSROOM_READ_FOLDERS" in page_text(app)
    info = "\n".join(element.value for element in app.info)
    assert "python -m core.data.download filtered --dest data" in info
    assert "python -m core.data.download petimages --dest data" in info
    # The augmentation preview works on the demo photo: 12 versions by default.
    assert len(app.image) == 12
    assert app.slider(key="aug_rotation").value == 40.0
    assert app.slider(key="aug_shift").value == 0.2
    assert app.checkbox(key="aug_flip").value is True
    assert app.selectbox(key="aug_fill").value == "nearest"
    layers = frame_with(app, "Keras layer")
    assert list(layers["change"]) == ["flip", "rotation", "shift", "shear", "zoom"]
    assert set(layers["Keras layer"]) == {"RandomAffine (geometry)"}
    assert "build_augmentation" in page_text(app)


def test_generated_dataset_shows_counts_split_samples_and_cleaning(monkeypatch, split_data):
    app = run_page(monkeypatch, split_data)
    assert app.radio(key="dataset_source").value == "The cats-and-dogs photos"
    shown = metrics(app)
    assert shown["Photos"] == "26" and shown["cats"] == "13" and shown["dogs"] == "13"
    assert shown["Truncated"] == "1" and shown["Duplicates"] == "1" and shown["Usable"] == "24"
    issues = frame_with(app, "details")
    assert set(issues["file"]) == {"train/cats/cut.jpg", "test/dogs/again.png"}
    text = page_text(app)
    assert "**train** (17 photos)" in text and "**test** (5 photos)" in text
    assert "Checked all 26 photos." in text  # fewer than the sample size
    assert "leak" in " ".join(issues["details"])
    # 6 thumbnails per class, 12 augmentations.
    assert len(app.image) == 2 * 6 + 12
    app.button(key="dataset_shuffle").click().run()
    assert not app.exception
    assert app.session_state["dataset_shuffle_seed"] == 1
    app.slider(key="dataset_sample").set_value(20).run()
    app.checkbox(key="dataset_check_all").check().run()
    assert not app.exception and metrics(app)["Truncated"] == "1"


def test_sampling_says_so(monkeypatch, tmp_path):
    make_class_folder(tmp_path / "many", per_class=30)
    app = run_page(monkeypatch, tmp_path / "many")
    app.slider(key="dataset_sample").set_value(20).run()
    assert not app.exception
    assert "Checked a random sample of 40 of the 60 photos" in page_text(app)
    # An unsplit folder: the planned 80/10/10 numbers and the command that writes them.
    assert "python -m core.data split" in page_text(app)
    assert "**train** (48 photos)" in page_text(app)


def test_another_folder_typed_in(monkeypatch, tmp_path, split_data):
    app = run_page(monkeypatch, tmp_path / "nothing here", readable=f"{split_data}{os.pathsep}{tmp_path}")
    # The zip comes first (most learners browse from another device); a folder is the second choice.
    app.radio(key="dataset_source").set_value("A folder on the app's computer").run()
    assert "not on the device you are browsing from" in page_text(app)
    app.text_input(key="dataset_folder").input(str(tmp_path / "missing")).run()
    assert not app.exception and "is not a folder" in app.warning[0].value
    app.text_input(key="dataset_folder").input(str(split_data / "train")).run()
    assert not app.exception
    assert metrics(app)["Photos"] == "17"
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "photo.jpg").write_bytes(make_photo_bytes())
    app.text_input(key="dataset_folder").input(str(tmp_path / "flat")).run()
    assert not app.exception and "No class folders found" in app.error[0].value


def test_uploaded_zip_is_explored_in_memory(monkeypatch, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, shade in (("cats", 30), ("dogs", 220)):
            for number in range(5):
                archive.writestr(f"pets/{name}/{number}.jpg", make_photo_bytes(50, 40, color=(shade, number * 40, 9)))
        archive.writestr("pets/dogs/broken.jpg", b"")
    app = run_page(monkeypatch, tmp_path / "nothing here")
    app.radio(key="dataset_source").set_value("A zip from your device").run()
    app.file_uploader(key="dataset_zip").set_value(("pets.zip", buffer.getvalue(), "application/zip")).run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Photos"] == "11" and shown["Not images"] == "1"
    assert not list(tmp_path.rglob("*.jpg"))  # nothing unpacked to disk
    app.file_uploader(key="dataset_zip").set_value(("fake.zip", b"not a zip", "application/zip")).run()
    assert not app.exception and "not a valid zip" in app.error[0].value


def test_augmentation_presets_resample_and_all_off(monkeypatch, tmp_path):
    app = run_page(monkeypatch, tmp_path / "nothing here")
    first_images = [image.value for image in app.image]
    app.selectbox(key="aug_preset").set_value("What classic and compact were trained with").run()
    assert app.slider(key="aug_rotation").value == 15.0
    assert app.slider(key="aug_shear").value == 0.0
    assert app.slider(key="aug_contrast").value == 0.1
    assert "multiplied by a random factor from 0.90 to 1.10" in page_text(app)
    app.button(key="aug_resample").click().run()
    assert app.session_state["aug_seed"] == 1
    assert [image.value for image in app.image] != first_images
    app.slider(key="aug_count").set_value(8).run()
    assert len(app.image) == 8
    for key in ("aug_rotation", "aug_shift", "aug_zoom", "aug_contrast"):
        app.slider(key=key).set_value(0.0)
    app.checkbox(key="aug_flip").uncheck().run()
    assert not app.exception
    assert "every version is the original photo" in "\n".join(element.value for element in app.info)


def test_a_photo_from_the_data_set_can_be_augmented(monkeypatch, split_data):
    app = run_page(monkeypatch, split_data)
    own_photo_versions = [image.value for image in app.image][-12:]
    app.radio(key="aug_photo_choice").set_value("A random photo from the data set").run()
    assert not app.exception
    caption = next(element.value for element in app.caption if element.value.startswith("From the data set: `"))
    assert caption.split("`")[1].startswith(("train/", "validation/", "test/"))
    versions = [image.value for image in app.image][-12:]
    assert len(versions) == 12 and versions != own_photo_versions


def test_a_visitor_cannot_read_a_server_path_outside_the_allowed_folders(monkeypatch, tmp_path, split_data):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "link_out").symlink_to(split_data / "train")  # a link inside that leads outside
    app = run_page(monkeypatch, tmp_path / "nothing here", readable=str(allowed))
    app.radio(key="dataset_source").set_value("A folder on the app's computer").run()
    for outside in (str(split_data / "train"), str(allowed / ".." / split_data.name / "train"),
                    str(allowed / "link_out"), "/etc", "~"):
        app.text_input(key="dataset_folder").input(outside).run()
        assert not app.exception
        assert "outside the folders this server lets visitors read" in app.warning[0].value, outside
        assert "Photos" not in metrics(app), outside  # nothing was listed or shown
    # Inside the allowed folder it reads, and says where it may read.
    (allowed / "pets" / "cats").mkdir(parents=True)
    (allowed / "pets" / "dogs").mkdir()
    for index in range(2):
        (allowed / "pets" / "cats" / f"c{index}.jpg").write_bytes(make_photo_bytes(color=seed_color(index)))
        (allowed / "pets" / "dogs" / f"d{index}.jpg").write_bytes(make_photo_bytes(color=seed_color(index + 5)))
    app.text_input(key="dataset_folder").input(str(allowed / "pets")).run()
    assert not app.exception and metrics(app)["Photos"] == "4"
    assert f"`{allowed.resolve()}`" in page_text(app)


def seed_color(index: int):
    return 64 + 8 * index, 40 + 12 * index, 200 - 10 * index


def split_chart_shares(app: AppTest) -> dict[str, str]:
    """{'train: 6': '60%', ...}: each split's legend name and the share written on its bar."""
    [chart] = [element for element in app.get("plotly_chart") if "split_chart" in str(element.proto.id)]
    return {trace["name"]: trace["text"][0] for trace in json.loads(chart.proto.spec)["data"]}


def test_a_small_zip_gets_the_split_its_own_numbers_give_and_no_command_for_a_file_never_saved(monkeypatch,
                                                                                                  tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, shade in (("cats", 30), ("dogs", 220)):
            for number in range(5):
                archive.writestr(f"pets/{name}/{number}.jpg", make_photo_bytes(50, 40, color=(shade, number * 40, 9)))
    app = run_page(monkeypatch, tmp_path / "nothing here")
    app.file_uploader(key="dataset_zip").set_value(("pets.zip", buffer.getvalue(), "application/zip")).run()
    assert not app.exception
    # 5 photos a class: 10% of 5 is 0.5, rounded up to 1 validation and 1 test photo, so 3 / 1 / 1 a class,
    # 6 / 2 / 2 of the 10 photos: 60/20/20, not the 80/10/10 the split aims at.
    assert split_chart_shares(app) == {"train: 6": "60%", "validation: 2": "20%", "test: 2": "20%"}
    info = "\n".join(element.value for element in app.info)
    assert "aims at 80/10/10" in info and "gives 6 / 2 / 2 photos" in info and "(60/20/20)" in info
    # The zip was read in memory and never saved: no command names it, the text says how to get a folder.
    assert "pets.zip\" DEST" not in page_text(app)
    assert "unpack the zip into a folder on the app's computer" in info
