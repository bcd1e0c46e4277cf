"""The Training page in Streamlit's AppTest: histories, comparison, evaluation, a live training."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.data.image_set import ImageSet
from core.models import registry
from core.models.architectures import tiny
from core.training.live import held_out, networks, progress, trainer
from core.training.metrics import binary_metrics
from harness.photo_files import make_class_folder, make_photo_bytes
from tests.conftest import PROJECT_ROOT
from ui.session import MODEL_KEY

PAGE = str(PROJECT_ROOT / "app_pages" / "training.py")


def write_model_folder(root: Path, name: str, epochs: int = 12, best: int = 6, accuracy: float = 0.8,
                       input_size: int = 150, wrong_file: str = "cats/cat_1.jpg") -> Path:
    """A model folder with a card, a history and metrics, but no network file."""
    folder = root / name
    folder.mkdir(parents=True)
    epochs_axis = np.arange(1, epochs + 1)
    loss = 0.7 * np.exp(-epochs_axis / 4)
    val_loss = 0.3 + 0.01 * (epochs_axis - best) ** 2
    history = {
        "loss": loss.tolist(), "accuracy": (1 - loss / 1.5).tolist(),
        "val_loss": val_loss.tolist(), "val_accuracy": (accuracy - 0.002 * (epochs_axis - best) ** 2).tolist(),
        "seconds": [10.0] * epochs, "learning_rate": [1e-3] * epochs,
    }
    (folder / "history.json").write_text(json.dumps(history))
    (folder / "metrics.json").write_text(json.dumps({
        "accuracy": accuracy, "precision": 0.81, "recall": 0.79, "f1": 0.8, "roc_auc": 0.88,
        "confusion_matrix": [[40, 10], [10, 40]], "count": 100, "class_names": ["cats", "dogs"],
        "wrong": [{"file": wrong_file, "true": "cats", "predicted": "dogs", "probabilities": [0.3, 0.7]}],
    }))
    (folder / "model.json").write_text(json.dumps({
        "name": name, "architecture": name, "kind": "keras", "input_size": [input_size, input_size],
        "class_names": ["cats", "dogs"], "parameters": 1234, "epochs_run": epochs, "epochs_requested": 20,
        "best_epoch": best, "stopped_early": True, "training_seconds": 10.0 * epochs, "machine": "x86_64 CPU x2",
        "batch_size": 32, "augmentation": "training",
    }))
    return folder


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """Point the registry at a folder of synthetic models (the real ones may not exist yet)."""
    folder = tmp_path / "models"
    folder.mkdir()
    list_models, get_model_info, load_model = registry.list_models, registry.get_model_info, registry.load_model
    monkeypatch.setattr(registry, "list_models", lambda models_dir=folder, weights=None: list_models(folder, weights))
    monkeypatch.setattr(registry, "get_model_info",
                        lambda name, models_dir=folder, weights=None: get_model_info(name, folder, weights))
    monkeypatch.setattr(registry, "load_model",
                        lambda info, weights=None, models_dir=folder: load_model(info, weights, folder))
    monkeypatch.setattr(registry, "MODELS_DIR", folder)
    yield folder
    # Leave no synthetic model list behind in Streamlit's process-wide caches.
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(timeout: float = 120) -> AppTest:
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=timeout)
    app.run()
    assert not app.exception, app.exception
    return app


def chart_count(app: AppTest) -> int:
    return len(app.get("plotly_chart"))


def texts(elements) -> str:
    return "\n".join(str(element.value) for element in elements)


def test_page_degrades_gracefully_without_models(models_dir):
    app = run_page()
    assert "No shipped models found" in texts(app.info)
    assert "python -m core.training.train" in texts(app.info)


def test_every_model_gets_its_charts_readings_and_table_row(models_dir):
    names = ["baseline", "augmented", "classic"]
    for index, name in enumerate(names):
        write_model_folder(models_dir, name, epochs=10 + index * 3, best=5 + index, accuracy=0.7 + 0.05 * index)
    app = run_page()
    subheaders = texts(app.subheader)
    for name in names:
        assert registry.TITLES[name] in subheaders
    # Two history charts per model, one comparison chart, two confusion matrices.
    assert chart_count(app) == 2 * len(names) + 1 + 2
    readings = texts(app.info) + texts(app.warning)
    # The shipped weights are the best epoch's: the readings describe it, and say why the later ones were not kept.
    assert "Validation loss rose for" in readings and "whose weights were kept" in readings
    assert "slightly optimistic" in texts(app.caption)
    table = app.table[0].value
    assert len(table) == len(names)
    assert set(table["parameters"]) == {1234}
    assert sorted(table["test accuracy"].round(1)) == [70.0, 75.0, 80.0]  # percentages
    markdown = texts(app.markdown)
    assert "Precision 80.0%" in markdown and "of the 50 photos the model called dogs, 40 really were dogs" in markdown


def test_the_model_chosen_in_the_lesson_comes_first_in_every_tab(models_dir):
    for name, accuracy in (("classic", 0.7), ("baseline", 0.75), ("augmented", 0.8)):
        write_model_folder(models_dir, name, accuracy=accuracy)
    app = run_page()
    assert app.subheader[0].value == registry.TITLES["augmented"]  # the most accurate, on its own
    # Step 8's "Try it" link, from a lesson on the classic model (the least accurate here).
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state[MODEL_KEY] = "classic"
    app.run()
    assert not app.exception
    assert app.subheader[0].value == registry.TITLES["classic"]
    assert app.selectbox(key="training_eval_model").value == "classic"


def test_comparison_follows_the_chosen_models(models_dir):
    for name in ("baseline", "augmented"):
        write_model_folder(models_dir, name)
    app = run_page()
    before = chart_count(app)
    app.multiselect(key="training_compare_models").set_value([]).run()
    assert not app.exception
    assert chart_count(app) == before - 1
    assert "Pick at least one model" in texts(app.caption)


def test_a_model_removed_from_the_comparison_leaves_the_table_too(models_dir):
    for name in ("baseline", "augmented"):
        write_model_folder(models_dir, name)
    app = run_page()
    assert sorted(app.table[0].value["model"]) == sorted([registry.TITLES["baseline"], registry.TITLES["augmented"]])
    app.multiselect(key="training_compare_models").set_value(["augmented"]).run()
    assert not app.exception
    assert list(app.table[0].value["model"]) == [registry.TITLES["augmented"]]
    app.multiselect(key="training_compare_models").set_value([]).run()
    assert not app.table and "Pick at least one model" in texts(app.caption)


def test_a_model_without_a_readable_history_can_be_chosen_for_the_table(models_dir):
    for name in ("baseline", "augmented"):
        write_model_folder(models_dir, name)
    (models_dir / "augmented" / "history.json").write_text("not json")  # no curve, but still a row
    app = run_page()
    assert sorted(app.multiselect(key="training_compare_models").value) == ["augmented", "baseline"]
    app.multiselect(key="training_compare_models").set_value(["augmented"]).run()
    assert not app.exception
    assert list(app.table[0].value["model"]) == [registry.TITLES["augmented"]]
    assert "has no training history to draw" in texts(app.caption)


def test_evaluation_gallery_and_roc_curve_from_local_test_photos(models_dir, tmp_path, monkeypatch):
    from core.models.architectures import tiny
    from harness.photo_files import make_class_folder

    folder = write_model_folder(models_dir, "baseline", input_size=32, wrong_file="cats/cats_003.png")
    tiny(image_size=32).save(folder / "model.keras")
    data = tmp_path / "data"
    make_class_folder(data / "test", per_class=12, size=40)
    monkeypatch.setenv("CNN_CLASSROOM_DATA", str(data))
    app = run_page()
    assert "1 mistakes on this machine's test photos" in texts(app.caption)
    assert len(app.image) == 1
    app.number_input(key="training_roc_count_baseline").set_value(20)
    app.button(key="training_roc_button_baseline").click().run()
    assert not app.exception and not app.error, texts(app.error)
    roc = [element for element in app.get("plotly_chart") if "roc_baseline" in str(element.proto.id)]
    assert roc, "the ROC curve is missing"
    figure = json.loads(roc[0].proto.spec)
    assert figure["layout"]["title"]["text"] == "ROC curve on 20 test photos"
    # The scores are cached: an unrelated rerun draws the curve again without recomputing.
    app.run()
    assert any("roc_baseline" in str(element.proto.id) for element in app.get("plotly_chart"))


def add_calibration(folder: Path, before: list[dict], after: list[dict], temperature: float, fitted_on: int) -> None:
    """A calibration entry on the model's card, as core.trust.fit writes it (test-split bins)."""
    card = json.loads((folder / "model.json").read_text())
    card["calibration"] = {"temperature": temperature, "fitted_on": fitted_on,
                           "reliability_before": {"split": "test", "bins": before},
                           "reliability_after": {"split": "test", "bins": after}}
    (folder / "model.json").write_text(json.dumps(card))


def reliability_bin(lower: float, count: int, said: float, right: float) -> dict:
    return {"lower": lower, "upper": lower + 0.1, "count": count, "mean_confidence": said, "accuracy": right}


def test_the_calibration_tab_draws_the_reliability_diagram_and_the_error_before_and_after(models_dir):
    # 100 test photos: 20 scored 50-60% (said 55%, right 60%), 80 scored 90-100% (said 97%, right 87%):
    # ECE 0.2 x 5 + 0.8 x 10 = 9.0 points. After T = 1.8 the 80 said 88%: 0.2 x 2 + 0.8 x 1 = 1.2 points.
    before = [reliability_bin(0.5, 20, 0.55, 0.60), reliability_bin(0.9, 80, 0.97, 0.87)]
    after = [reliability_bin(0.5, 20, 0.58, 0.60), reliability_bin(0.8, 80, 0.88, 0.87)]
    add_calibration(write_model_folder(models_dir, "baseline", accuracy=0.8), before, after, 1.8, 100)
    # A second model where scaling made the test photos worse: the page must not claim it helped.
    add_calibration(write_model_folder(models_dir, "augmented", accuracy=0.7), after, before, 0.6, 100)
    app = run_page()
    assert app.selectbox(key="training_calibration_model").value == "baseline"
    markdown = texts(app.markdown)
    assert "**calibrated** when they match how often it is right" in markdown
    assert ("Dividing the model's final scores (before the sigmoid or softmax) by T = 1.80 (fitted on 100 validation "
            "photos) softened (the model was over-confident) its percentages: on the 100 test photos they are off "
            "by 1.2 points on average, 9.0 before.") in markdown
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Expected calibration error, before"] == "9.0 points"
    assert metrics["After temperature scaling"] == "1.2 points"
    [chart] = [element for element in app.get("plotly_chart") if "reliability_baseline" in str(element.proto.id)]
    traces = {trace["name"]: trace for trace in json.loads(chart.proto.spec)["data"]}
    assert traces["before calibration (ECE 9.0 points)"]["x"] == [0.55, 0.97]
    assert traces["before calibration (ECE 9.0 points)"]["y"] == [0.6, 0.87]
    assert traces["after calibration (ECE 1.2 points)"]["x"] == [0.58, 0.88]
    assert "did not help" not in texts(app.caption)

    app.selectbox(key="training_calibration_model").set_value("augmented").run()
    assert not app.exception
    assert "sharpened (the model was under-confident)" in texts(app.markdown)
    assert "on these test photos it did not help" in texts(app.caption)
    assert any("reliability_augmented" in str(element.proto.id) for element in app.get("plotly_chart"))


def test_models_without_a_calibration_get_a_message_not_a_diagram(models_dir):
    write_model_folder(models_dir, "baseline")
    app = run_page()
    assert "No shipped model has a calibration on its card yet" in texts(app.info)
    assert not any("reliability_" in str(element.proto.id) for element in app.get("plotly_chart"))


def zip_of_classes(per_class: dict[str, int], size: int = 40, extra: dict[str, bytes] | None = None) -> bytes:
    rng = np.random.default_rng(1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, count) in enumerate(per_class.items()):
            for number in range(count):
                pixels = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
                pixels[..., index % 3] += 150
                image = io.BytesIO()
                Image.fromarray(pixels).save(image, format="PNG")
                archive.writestr(f"photos/{name}/{name}_{number}.png", image.getvalue())
        for file_name, data in (extra or {}).items():
            archive.writestr(file_name, data)
    return buffer.getvalue()


def use_own_photos(app: AppTest, archive: bytes) -> AppTest:
    source = app.radio(key="training_source")
    if source.value != "your own photos":
        source.set_value("your own photos").run()
    app.file_uploader(key="training_zip_upload").set_value(("photos.zip", archive, "application/zip"))
    return app.run()


def from_scratch(app: AppTest, epochs: int) -> AppTest:
    """Own photos default to transfer learning: switch to the tiny CNN from scratch at 32 px."""
    app.radio(key="training_mode_transfer").set_value("scratch").run()
    app.radio(key="training_architecture").set_value("tiny")
    app.select_slider(key="training_image_size_scratch").set_value(32)
    app.slider(key="training_epochs_scratch").set_value(epochs)
    return app.run()


def test_duplicate_uploads_are_dropped_with_their_names(models_dir):
    photos = {f"photos/cats/cat_{index}.png": make_photo_bytes(30 + index, 30, fmt="PNG") for index in range(6)}
    photos.update({f"photos/dogs/dog_{index}.png": make_photo_bytes(50, 40 + index, fmt="PNG") for index in range(6)})
    photos["photos/dogs/sneaky.png"] = photos["photos/cats/cat_0.png"]
    photos["photos/cats/again.png"] = photos["photos/cats/cat_1.png"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in photos.items():
            archive.writestr(name, data)
    app = use_own_photos(run_page(), buffer.getvalue())
    warning = texts(app.warning)
    assert "Dropped 2 exact duplicates" in warning
    assert "dogs/sneaky.png (the same pixels as cats/cat_0.png)" in warning
    assert "cats/again.png (the same pixels as cats/cat_1.png)" in warning
    assert "Photos per class: cats: 6, dogs: 6" in texts(app.caption)
    # One click empties the uploads: no photo is counted any more, and the page asks for photos again.
    app.button(key="training_remove_photos").click().run()
    assert "Photos per class" not in texts(app.caption)
    assert "Dropped" not in texts(app.warning)
    assert "Add photos to start" in texts(app.info)
    assert all(not uploader.value for uploader in app.get("file_uploader"))


def test_a_photo_uploaded_twice_into_a_class_is_named_once_as_uploaded_twice(models_dir):
    app = run_page()
    app.radio(key="training_source").set_value("your own photos").run()
    cats = [(f"cat_{index}.png", make_photo_bytes(30 + index, 30, fmt="PNG"), "image/png") for index in range(6)]
    dogs = [(f"dog_{index}.png", make_photo_bytes(50, 40 + index, fmt="PNG"), "image/png") for index in range(6)]
    app.file_uploader(key="training_class_upload_0").set_value([*cats, cats[0]])
    app.file_uploader(key="training_class_upload_1").set_value(dogs)
    app.run()
    assert "Dropped an exact duplicate" in texts(app.warning)
    assert "class 1/cat_0.png (uploaded twice)" in texts(app.warning)
    assert "Photos per class: class 1: 6, class 2: 6" in texts(app.caption)


def test_own_photos_default_to_transfer_learning_which_trains_a_head(models_dir, monkeypatch):
    import keras

    from core.models import features
    from ui.resources import training as training_resources

    def colour_base(image_size):  # a fixture base: each photo's mean colour, no weights needed
        inputs = keras.Input(shape=(image_size, image_size, 3))
        pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Rescaling(1 / 255)(inputs))
        return features.FrozenBase(keras.Model(inputs, pooled), "colour", features.FeatureCache(100))

    monkeypatch.setattr(training_resources, "cached_frozen_base", colour_base)
    monkeypatch.setattr("ui.training.live_settings.base_weights_problem", lambda: "")
    app = use_own_photos(run_page(), zip_of_classes({"cats": 10, "dogs": 10}))
    assert app.radio(key="training_mode_transfer").value == "transfer"
    assert "Teachable Machine" in texts(app.caption)
    assert "Only the head's" in texts(app.caption)
    app.select_slider(key="training_image_size_transfer").set_value(128)
    app.slider(key="training_epochs_transfer").set_value(3).run()
    app.button(key="training_start").click().run()
    assert app.session_state["training_live_run"].wait(120)
    app.run()
    assert not app.exception and not app.error, texts(app.error)
    result = app.session_state["training_live_result"]
    assert result.config.is_transfer and result.epochs_run == 3
    assert "It finished after 3 epochs" in texts(app.success)


def test_stop_while_mobilenet_reads_the_photos_ends_the_run_and_says_nothing_was_learned(models_dir, monkeypatch):
    import keras

    from core.models import features
    from ui.resources import training as training_resources

    # The base reads its first batch of photos, then waits until the test has pressed Stop.
    stop_pressed = threading.Event()

    class HeldBase(features.FrozenBase):
        def features(self, images, batch_size=64, on_batch=None):
            def held(done, total):
                stop_pressed.wait(120)
                on_batch(done, total)
            return super().features(images, batch_size, held)

    def colour_base(image_size):
        inputs = keras.Input(shape=(image_size, image_size, 3))
        pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Rescaling(1 / 255)(inputs))
        return HeldBase(keras.Model(inputs, pooled), "held-colour", features.FeatureCache(100))

    monkeypatch.setattr(training_resources, "cached_frozen_base", colour_base)
    monkeypatch.setattr("ui.training.live_settings.base_weights_problem", lambda: "")
    app = use_own_photos(run_page(), zip_of_classes({"cats": 10, "dogs": 10}))
    app.button(key="training_start").click().run()
    run = app.session_state["training_live_run"]
    try:
        app.button(key="training_stop").click().run()
    finally:
        stop_pressed.set()
    assert run.wait(30)
    app.run()
    assert not app.exception and not app.error, texts(app.error)
    assert "training_live_result" not in app.session_state
    assert ("You stopped it while MobileNet was still reading the photos (16 of 16), before any training: "
            "nothing was learned." in texts(app.info))
    # The slot is free again: Start is offered, and no one is said to be training.
    assert not app.button(key="training_start").disabled
    assert "Someone else is training" not in texts(app.warning)


def test_without_the_mobilenet_weights_only_from_scratch_is_offered(models_dir, monkeypatch):
    monkeypatch.setattr("ui.training.live_settings.base_weights_problem", lambda: "The weights are missing.")
    app = use_own_photos(run_page(), zip_of_classes({"cats": 6, "dogs": 6}))
    assert app.radio(key="training_mode_transfer").options == ["From scratch"]
    assert "Transfer learning is not offered here: The weights are missing." in texts(app.info)


def test_the_sliders_and_the_ideas_behind_them_are_explained(models_dir):
    app = run_page()
    helps = {slider.label: slider.help for slider in app.select_slider}
    assert "step" in helps["Learning rate"] and "cosine" in helps["Learning rate"]
    assert "before each weight update" in helps["Batch size"]
    assert "lowest validation loss" in app.slider(key="training_epochs_scratch").help
    ideas = texts(app.markdown)
    assert "Binary cross-entropy" in ideas and "−ln 0.9 = 0.105" in ideas
    assert "backpropagation" in ideas and "Adam" in ideas and "patience" in ideas


def test_bad_data_messages(models_dir):
    app = run_page()
    use_own_photos(app, zip_of_classes({"cats": 8}))
    assert not app.exception
    assert "Only one class" in texts(app.error)
    assert app.button(key="training_start").disabled

    use_own_photos(app, zip_of_classes({"cats": 8, "dogs": 3}, extra={"photos/dogs/broken.jpg": b"nope"}))
    errors = texts(app.error)
    assert "at least 5 readable photos" in errors and "'dogs' has 3" in errors
    assert "broken.jpg" in texts(app.markdown)

    app.file_uploader(key="training_zip_upload").set_value(("photos.zip", b"not a zip", "application/zip")).run()
    assert "not a valid zip archive" in texts(app.error)


def test_live_training_of_two_epochs_completes_and_shows_its_curve(models_dir, monkeypatch):
    monkeypatch.delenv("CNN_CLASSROOM_ALLOW_SAVING", raising=False)
    app = run_page()
    use_own_photos(app, zip_of_classes({"cats": 10, "dogs": 10}))
    from_scratch(app, epochs=2)
    assert not app.error, texts(app.error)
    app.button(key="training_start").click().run()
    assert not app.exception
    if "training_live_run" in app.session_state:  # not yet collected by the page
        assert app.session_state["training_live_run"].wait(120), "the live training did not finish"
    # While the run exists the page shows its progress; the next run collects the result.
    app.run()
    assert not app.exception
    result = app.session_state["training_live_result"]
    assert result.epochs_run == 2
    assert "It finished after 2 epochs" in texts(app.success)
    chart = [element for element in app.get("plotly_chart") if "live_result_chart" in str(element.proto.id)]
    assert chart, "the final training curve is missing"
    figure = json.loads(chart[0].proto.spec)
    training_loss = next(trace for trace in figure["data"] if trace["name"] == "training")
    assert len(training_loss["y"]) == 2
    labels = [button.label for button in app.get("download_button")]
    assert labels == ["Model (.keras)", "History (JSON)", "History (CSV)"]
    # 20 photos hold out too few to give a percentage: the counts, and why no more is said.
    assert "held-out photos** right" in texts(app.markdown)
    assert "That is too few to tell how well it does on new photos" in texts(app.markdown)
    # Tried at once on the session's photo (the demo cat), in the network's own classes.
    assert "% cat. Trained here in minutes" in texts(app.markdown) or "% dog. Trained here" in texts(app.markdown)
    # Nothing was written to models/ ...
    assert list(models_dir.iterdir()) == []
    # ... and by default a visitor cannot write there at all: saving is a server setting, off.
    assert not [element for element in app.button if element.key == "training_save"]
    assert "Saving on the server is switched off: download the model above." in texts(app.caption)
    # With the setting on, only when the learner asks, and never over a shipped model's name.
    monkeypatch.setenv("CNN_CLASSROOM_ALLOW_SAVING", "1")
    app.run()
    app.text_input(key="training_save_name").set_value("classic")
    app.button(key="training_save").click().run()
    assert "shipped model" in texts(app.error)
    app.text_input(key="training_save_name").set_value("live-class-demo")
    app.button(key="training_save").click().run()
    assert "Saved to models/live-class-demo" in texts(app.success)
    assert registry.get_model_info("live-class-demo").card["live"] is True
    # Switched off again on the server: the next click is refused even from a page that still shows the button.
    monkeypatch.setenv("CNN_CLASSROOM_ALLOW_SAVING", "0")
    app.text_input(key="training_save_name").set_value("live-second")
    app.button(key="training_save").click().run()
    assert not (models_dir / "live-second").exists()


def test_a_result_stays_with_the_photos_it_was_trained_on(models_dir, monkeypatch, tmp_path):
    from ui.training import live_photos

    # The dataset source, on generated class folders: this test is about the page, not the photos.
    monkeypatch.setattr(live_photos, "dataset_folder", lambda: make_class_folder(tmp_path / "train", per_class=20))
    app = run_page()
    use_own_photos(app, zip_of_classes({"lions": 10, "tigers": 10}))
    from_scratch(app, epochs=1)
    app.button(key="training_start").click().run()
    if "training_live_run" in app.session_state:
        assert app.session_state["training_live_run"].wait(120), "the live training did not finish"
    app.run()
    assert "It finished after 1 epoch" in texts(app.success)
    # Back to the cats and dogs: the lions-and-tigers result does not sit under their form.
    app.radio(key="training_source").set_value("cats and dogs").run()
    assert not app.exception
    assert "It finished" not in texts(app.success)
    assert not [element for element in app.get("plotly_chart") if "live_result_chart" in str(element.proto.id)]
    assert ("Your last network was trained on your own photos: choose “your own photos” above to see it again."
            in texts(app.caption))
    app.radio(key="training_source").set_value("your own photos").run()
    assert "It finished after 1 epoch" in texts(app.success)


def test_a_second_session_is_told_to_wait(models_dir, monkeypatch):
    # Hold the first training after its first batch until this test has looked at the second session,
    # and let it go only once Stop was pressed: where it stops does not depend on timing.
    gate = threading.Event()
    batch_finished = progress.TrainingProgress.batch_finished

    def held_batch_finished(progress, batch_in_epoch):
        batch_finished(progress, batch_in_epoch)
        gate.wait(120)

    monkeypatch.setattr(progress.TrainingProgress, "batch_finished", held_batch_finished)
    first = run_page()
    use_own_photos(first, zip_of_classes({"cats": 10, "dogs": 10}))
    from_scratch(first, epochs=30)
    first.button(key="training_start").click().run()
    run = first.session_state["training_live_run"]
    try:
        # Another browser session: same server process, its own session state.
        second = AppTest.from_file(PAGE, default_timeout=120).run()
        assert not second.exception
        assert "Someone else is training a network on this server right now" in texts(second.warning)
        use_own_photos(second, zip_of_classes({"cats": 10, "dogs": 10}))
        second.button(key="training_start").click().run()
        assert "Someone else is training" in texts(second.warning)
        assert "training_live_run" not in second.session_state
    finally:
        run.stop()
        gate.set()
        assert run.wait(120)
    first.run()
    # 16 training photos in one batch of 16: Stop after the first batch ends a whole first epoch.
    assert "You stopped it after 1 epoch in" in texts(first.success)
    assert first.session_state["training_live_result"].epochs_run == 1


def untrained_result(image_size: int = 32) -> trainer.LiveResult:
    """A finished live training without the training: a seeded tiny network and a known evaluation.

    Of the 6 held-out photos (3 cats, 3 dogs) it gets 4 right: one cat called a dog at 70%, one dog
    called a cat at 80%.
    """
    import keras

    keras.utils.set_random_seed(0)
    model = tiny(image_size=image_size)
    rng = np.random.default_rng(0)
    labels = np.array([0, 0, 0, 1, 1, 1], np.int32)
    images = rng.integers(0, 255, (6, image_size, image_size, 3)).astype(np.uint8)
    holdout = ImageSet(images, labels, ("cats", "dogs"))
    dog_probability = np.array([0.1, 0.2, 0.7, 0.9, 0.6, 0.2])
    evaluation = held_out.LiveEvaluation(
        accuracy=4 / 6, confusion_matrix=np.array([[2, 1], [1, 2]]),
        probabilities=np.stack([1 - dog_probability, dog_probability], axis=1), labels=labels,
        class_names=("cats", "dogs"), binary=binary_metrics(labels, dog_probability))
    history = {"loss": (0.7, 0.6), "accuracy": (0.5, 0.6), "val_loss": (0.69, 0.65), "val_accuracy": (0.5, 0.5),
               "seconds": (1.0, 1.0)}
    config = networks.LiveConfig(architecture="tiny", image_size=image_size, epochs=2, dropout=0.0)
    return trainer.LiveResult(model=model, history=history, config=config, class_names=("cats", "dogs"),
                               stopped_by_user=False, partial_last_epoch=False, training_seconds=2.0,
                               train_counts={"cats": 12, "dogs": 12}, holdout=holdout,
                               evaluation=evaluation)


def result_on_two_held_out_photos() -> trainer.LiveResult:
    """5 photos a class, 20% held out: 1 cat and 1 dog held out, both called dogs; 75% vs 50% accuracy at the end."""
    result = untrained_result()
    labels = np.array([0, 1], np.int32)
    holdout = ImageSet(result.holdout.images[:2], labels, ("cats", "dogs"))
    dog_probability = np.array([0.6, 0.9])
    evaluation = held_out.LiveEvaluation(
        accuracy=0.5, confusion_matrix=np.array([[0, 1], [0, 1]]),
        probabilities=np.stack([1 - dog_probability, dog_probability], axis=1), labels=labels,
        class_names=("cats", "dogs"), binary=binary_metrics(labels, dog_probability))
    history = {"loss": (0.7, 0.6), "accuracy": (0.6, 0.75), "val_loss": (0.69, 0.68), "val_accuracy": (0.5, 0.5),
               "seconds": (1.0, 1.0)}
    return dataclasses.replace(result, holdout=holdout, evaluation=evaluation, history=history,
                               train_counts={"cats": 4, "dogs": 4})


def page_with_result(result: trainer.LiveResult) -> AppTest:
    """The page of a session whose live training has finished (put straight into its session state)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["training_live_result"] = result
    app.run()
    assert not app.exception, app.exception
    return app


def test_two_held_out_photos_are_called_too_few_to_tell_not_overfitting(models_dir):
    app = page_with_result(result_on_two_held_out_photos())
    markdown = texts(app.markdown)
    # Counts, not a percentage of two photos.
    assert "It got **1 of the 2 held-out photos** right (cats: 1, dogs: 1)" in markdown
    assert "Accuracy **50%**" not in markdown
    # 75% against 50% on two photos is no sign of anything: no reading calls it overfitting.
    assert "overfitting" not in texts(app.warning)
    assert "2 held-out photos are too few to read these curves" in texts(app.info)
    # And the counts of one are singular.
    assert "of the 2 photos the model called dogs, 1 really was dog (the other 1 was cat)" in markdown
    assert "The 1 held-out photo it got wrong" in [expander.label for expander in app.expander]


@pytest.fixture
def finished_app(models_dir) -> AppTest:
    return page_with_result(untrained_result())


def test_a_finished_training_shows_its_result(finished_app, monkeypatch):
    app = finished_app
    assert "It finished after 2 epochs in 2 s; the network keeps what it learned." in texts(app.success)
    markdown = texts(app.markdown)
    assert "It got **4 of the 6 held-out photos** right (cats: 3, dogs: 3), photos never used" in markdown
    assert "of the 3 photos the model called dogs, 2 really were dogs" in markdown
    # Its two mistakes, with how sure it was of each wrong answer.
    assert "The 2 held-out photos it got wrong" in [expander.label for expander in app.expander]
    captions = [image.proto.imgs[0].caption for image in app.image]
    assert "really cats, said dogs (70.0%)" in captions and "really dogs, said cats (80.0%)" in captions
    # The file names start from the architecture and the image size (the save box, where the server allows it).
    monkeypatch.setenv("CNN_CLASSROOM_ALLOW_SAVING", "1")
    app.run()
    assert app.text_input(key="training_save_name").value == "live-tiny-32px"
    assert "RGB photos of 32×32 pixels" in texts(app.caption)


def test_try_a_photo_uses_the_session_photo_then_an_upload(finished_app):
    app = finished_app
    assert "No photo uploaded: using" in texts(app.caption)
    assert "The model gives it " in texts(app.markdown) and "never calibrated" in texts(app.markdown)
    bars = [element for element in app.get("plotly_chart") if "live_try_chart" in str(element.proto.id)]
    assert bars, "the probability bars are missing"
    # The one probability-bars figure: singular class names, in the network's class order.
    assert json.loads(bars[0].proto.spec)["data"][0]["y"] == ["cat", "dog"]

    app.file_uploader(key="training_try_upload").set_value(("mine.png", make_photo_bytes(fmt="PNG"), "image/png"))
    app.run()
    assert not app.exception
    assert "No photo uploaded" not in texts(app.caption)
    assert "mine.png" in [image.proto.imgs[0].caption for image in app.image]

    app.file_uploader(key="training_try_upload").set_value(("broken.jpg", b"not a photo", "image/jpeg"))
    app.run()
    assert not app.exception
    assert "**broken.jpg**:" in texts(app.error)
    assert not [element for element in app.get("plotly_chart") if "live_try_chart" in str(element.proto.id)]


@pytest.mark.slow
def test_real_shipped_models_all_render():
    infos = registry.list_models()
    if not infos:
        pytest.skip("no shipped models in models/ yet")
    app = run_page(timeout=180)
    subheaders = texts(app.subheader)
    for info in infos:
        assert info.title in subheaders
    with_history = [info for info in infos if (info.folder / "history.json").is_file()]
    assert chart_count(app) >= 2 * len(with_history)
    # The Calibration tab starts on the most accurate calibrated model, with the errors its card measured.
    calibrated = [info for info in infos if info.calibration.fitted and info.calibration.reliability_before]
    if calibrated:
        first = calibrated[0]
        assert app.selectbox(key="training_calibration_model").value == first.name
        metrics = {metric.label: metric.value for metric in app.metric}
        for label, measured in (("Expected calibration error, before", first.calibration.ece_before),
                                ("After temperature scaling", first.calibration.ece_after)):
            shown = float(metrics[label].removesuffix(" points"))
            assert shown == pytest.approx(100 * measured, abs=0.06), label
        assert any(f"reliability_{first.name}" in str(element.proto.id) for element in app.get("plotly_chart"))
