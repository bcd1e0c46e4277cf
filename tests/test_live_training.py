"""The live-training loop: data from uploads and zips, training, Stop, evaluation, export."""

from __future__ import annotations

import io
import json
import threading
import zipfile

import keras
import numpy as np
import pytest
from PIL import Image

from core.figures import training as figures
from core.models import predict, registry
from core.training import live_data, live_export, live_model, live_run
from tests.conftest import make_class_folder, make_photo_bytes


def generated_images(per_class: int = 10, size: int = 32, classes=("cats", "dogs")) -> live_data.ImageSet:
    """Class-distinct generated photos: each class leans to its own colour."""
    rng = np.random.default_rng(0)
    images, labels = [], []
    for label in range(len(classes)):
        for _ in range(per_class):
            pixels = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
            pixels[..., label % 3] += 150
            images.append(pixels)
            labels.append(label)
    return live_data.ImageSet(np.stack(images), np.asarray(labels, np.int32), tuple(classes))


def png(pixels_colour=(200, 30, 30), size=24) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), pixels_colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


TINY_CONFIG = live_model.LiveConfig(architecture="tiny", image_size=32, epochs=2, batch_size=8, dropout=0.0)


@pytest.fixture(scope="module")
def trained() -> live_run.LiveResult:
    """2 classes × 10 generated images, 2 epochs: the loop end to end, once for several tests."""
    progress = live_run.TrainingProgress(TINY_CONFIG.epochs)
    return live_run.train_live(TINY_CONFIG, generated_images(), progress=progress)


# ----------------------------------------------------------------------------
# Architectures and settings
# ----------------------------------------------------------------------------


def test_small_architecture_with_and_without_dropout():
    with_dropout = live_model.small(64, 2, dropout=0.3)
    assert with_dropout.get_layer("dropout").rate == 0.3
    assert with_dropout.output_shape == (None, 1)
    assert with_dropout.get_layer("rescale") is not None
    without = live_model.small(64, 2, dropout=0.0)
    assert "dropout" not in [layer.name for layer in without.layers]
    # Global pooling: the parameter count does not depend on the image size.
    assert live_model.small(32, 2).count_params() == live_model.small(128, 2).count_params() == 23_649
    assert live_model.small(32, 3).output_shape == (None, 3)
    with pytest.raises(ValueError, match="dropout"):
        live_model.small(32, 2, dropout=1.0)


def test_build_live_model_choices():
    assert live_model.build_live_model("tiny", 32, 2).count_params() == 417
    assert live_model.count_parameters("small", 48, 2, 0.2) == 23_649
    with pytest.raises(ValueError, match="Unknown live architecture"):
        live_model.build_live_model("huge", 32, 2)
    with pytest.raises(ValueError, match="at least 2 classes"):
        live_model.build_live_model("tiny", 32, 1)


@pytest.mark.parametrize("change, message", [
    ({"architecture": "resnet"}, "Unknown architecture"),
    ({"image_size": 8}, "Image size"),
    ({"epochs": 0}, "Epochs"),
    ({"batch_size": 0}, "Batch size"),
    ({"learning_rate": 0.0}, "learning rate"),
    ({"dropout": 1.0}, "Dropout"),
    ({"holdout_fraction": 0.95}, "held-out"),
])
def test_config_validation(change, message):
    with pytest.raises(ValueError, match=message):
        live_model.LiveConfig(**change).validate()


# ----------------------------------------------------------------------------
# Data: uploads, zips, folders, and the bad-data messages
# ----------------------------------------------------------------------------


def test_class_count_messages():
    with pytest.raises(ValueError, match="no photos yet"):
        live_data.check_class_counts({})
    with pytest.raises(ValueError, match="Only one class .'cats'. has photos"):
        live_data.check_class_counts({"cats": 12})
    with pytest.raises(ValueError, match="at least 5 readable photos: 'dogs' has 3"):
        live_data.check_class_counts({"cats": 12, "dogs": 3})
    with pytest.raises(ValueError, match="at most"):
        live_data.check_class_counts({f"class {i}": 5 for i in range(11)})
    live_data.check_class_counts({"cats": 5, "dogs": 5})


def test_decode_uploads_skips_unreadable_files_with_a_reason():
    classes = {
        "dogs": [("d1.jpg", make_photo_bytes(50, 40)), ("notes.txt", b"hello"), ("d2.png", png())],
        "cats": [("c1.jpg", make_photo_bytes(30, 60)), ("empty.jpg", b"")],
    }
    data = live_data.decode_class_images(classes, 32)
    assert data.class_names == ("cats", "dogs")  # alphabetical, like folders
    assert data.images.shape == (3, 32, 32, 3) and data.images.dtype == np.uint8
    assert data.labels.tolist() == [0, 1, 1]
    assert data.names == ("cats/c1.jpg", "dogs/d1.jpg", "dogs/d2.png")
    assert data.counts() == {"cats": 1, "dogs": 2}
    assert len(data.problems) == 2
    assert any(problem.startswith("dogs/notes.txt: ") and "image" in problem for problem in data.problems)
    assert any(problem.startswith("cats/empty.jpg: ") and "empty" in problem for problem in data.problems)


def test_a_class_with_only_unreadable_files_disappears():
    data = live_data.decode_class_images({"cats": [("a.jpg", b"junk")], "dogs": [("b.png", png())]}, 16)
    assert data.class_names == ("dogs",)
    with pytest.raises(ValueError, match="Only one class"):
        live_data.check_class_counts(data.counts())


def test_zip_of_class_folders():
    archive = make_zip({
        "photos/cats/a.png": png(), "photos/cats/b.png": png(),
        "photos/dogs/c.png": png((0, 0, 200)),
        "__MACOSX/photos/cats/._a.png": b"resource fork",
        "photos/.DS_Store": b"finder",
        "readme.txt": b"top level",
        "photos/dogs/notes.txt": b"text",
    })
    classes, problems = live_data.read_zip_of_classes(archive)
    assert sorted(classes) == ["cats", "dogs"]
    assert [name for name, _ in classes["cats"]] == ["a.png", "b.png"]
    assert classes["dogs"][0][1] == png((0, 0, 200))
    assert any("readme.txt" in problem and "class folder" in problem for problem in problems)
    assert any("notes.txt" in problem and "not an image" in problem for problem in problems)
    assert not any("MACOSX" in problem or "DS_Store" in problem for problem in problems)


def test_zip_refusals():
    with pytest.raises(ValueError, match="not a valid zip archive"):
        live_data.read_zip_of_classes(b"PK but not really")
    many = make_zip({f"cats/{index}.png": b"x" for index in range(6)})
    with pytest.raises(ValueError, match="holds 6 files; the limit is 5"):
        live_data.read_zip_of_classes(many, max_files=5)
    # A zip bomb: 20 MB of zeros compress to a few kilobytes.
    bomb = make_zip({"cats/bomb.png": bytes(20_000_000)}, compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    with pytest.raises(ValueError, match="unpacks to 20 MB"):
        live_data.read_zip_of_classes(bomb, max_total_bytes=10_000_000)


def test_subsample_keeps_class_proportions(tmp_path):
    make_class_folder(tmp_path / "train", per_class=10, size=24)
    from core.data.files import list_labeled_files

    files = list_labeled_files(tmp_path / "train")
    sample = live_data.subsample_files(files, 6, seed=1)
    assert sample.counts() == {"cats": 3, "dogs": 3}
    assert live_data.subsample_files(files, 100) is files
    with pytest.raises(ValueError):
        live_data.subsample_files(files, 0)
    assert live_data.training_folder(tmp_path) == tmp_path / "train"
    assert live_data.training_folder(tmp_path / "train") == tmp_path / "train"
    assert live_data.training_folder(tmp_path / "nothing") is None
    data = live_data.load_folder_sample(tmp_path / "train", 8, 16)
    assert data.images.shape == (8, 16, 16, 3) and data.counts() == {"cats": 4, "dogs": 4}
    assert data.names[0].startswith("cats/")


def test_holdout_split_is_stratified_and_disjoint():
    data = generated_images(per_class=10)
    data = live_data.ImageSet(data.images, data.labels, data.class_names, names=tuple(f"p{i}" for i in range(20)))
    train, holdout = live_data.split_holdout(data, 0.2, seed=3)
    assert train.counts() == {"cats": 8, "dogs": 8} and holdout.counts() == {"cats": 2, "dogs": 2}
    assert not set(train.names) & set(holdout.names)
    # Small classes still keep one photo out and one in.
    tiny_data = data.subset(np.array([0, 1, 10, 11]))
    train, holdout = live_data.split_holdout(tiny_data, 0.1)
    assert train.counts() == {"cats": 1, "dogs": 1} and holdout.counts() == {"cats": 1, "dogs": 1}
    with pytest.raises(ValueError, match="at least 2 photos"):
        live_data.split_holdout(data.subset(np.array([0, 10, 11])), 0.2)


# ----------------------------------------------------------------------------
# The loop
# ----------------------------------------------------------------------------


def test_live_training_produces_a_history_and_an_evaluation(trained):
    assert trained.epochs_run == 2
    assert not trained.stopped_by_user and not trained.partial_last_epoch
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "seconds"):
        assert len(trained.history[key]) == 2, key
        assert all(np.isfinite(trained.history[key]))
    assert trained.train_counts == {"cats": 8, "dogs": 8}
    assert trained.holdout.counts() == {"cats": 2, "dogs": 2}
    evaluation = trained.evaluation
    assert evaluation.probabilities.shape == (4, 2)
    np.testing.assert_allclose(evaluation.probabilities.sum(axis=1), 1.0, atol=1e-6)
    assert evaluation.confusion_matrix.sum() == 4
    assert evaluation.accuracy == pytest.approx(np.trace(evaluation.confusion_matrix) / 4)
    assert evaluation.binary is not None and evaluation.binary.count == 4
    assert set(evaluation.as_dict()) >= {"accuracy", "confusion_matrix", "class_names", "precision", "recall"}


def test_exported_model_loads_and_predicts_the_same(trained, tmp_path):
    data = live_export.model_to_keras_bytes(trained.model)
    assert data[:2] == b"PK"  # a .keras file is a zip
    path = tmp_path / "live.keras"
    path.write_bytes(data)
    loaded = keras.saving.load_model(path, compile=False)
    images = trained.holdout.images
    np.testing.assert_allclose(predict.predict_probabilities(loaded, images), predict.predict_probabilities(trained.model, images),
                               atol=1e-6)
    # The app's own prediction helper accepts it like a shipped model.
    assert predict.predict_probabilities(loaded, images[0]).shape == (1, 2)


def test_history_exports(trained):
    parsed = json.loads(live_export.history_to_json(trained.history))
    assert parsed["loss"] == pytest.approx(list(trained.history["loss"]))
    lines = live_export.history_to_csv(trained.history).strip().splitlines()
    assert lines[0].split(",")[:5] == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2"]
    assert live_export.history_to_csv({}) == "epoch\n"


def test_live_figure_draws_what_the_history_holds(trained):
    figure = figures.live_figure(trained.history, total_epochs=10)
    assert len(figure.data) == 4
    assert list(figure.data[0].y) == pytest.approx(list(trained.history["loss"]))
    assert figure.layout.xaxis.range == (0.5, 10.5)  # room for the epochs still to come
    empty = figures.live_figure({}, total_epochs=3)
    assert all(len(trace.y) == 0 for trace in empty.data)


def test_stop_ends_after_the_current_batch_and_keeps_the_weights():
    config = live_model.LiveConfig(architecture="tiny", image_size=32, epochs=30, batch_size=4)
    stop = threading.Event()

    class PressStopDuringBatchThree(live_run.TrainingProgress):
        """What the page's Stop button does, at a moment a test can rely on."""

        def batch_finished(self, batch_in_epoch: int) -> None:
            super().batch_finished(batch_in_epoch)
            if self.batches_done == 3:
                stop.set()

    progress = PressStopDuringBatchThree(config.epochs)
    gradients_before = live_run._custom_gradient_names()
    result = live_run.train_live(config, generated_images(per_class=10), progress=progress, stop_event=stop)
    # The traced step's custom gradients are unregistered, so its graph can be freed.
    assert {name for name in live_run._custom_gradient_names() - gradients_before if name.startswith("CustomGradient")} \
        == set()
    assert result.stopped_by_user
    assert progress.batches_done == 3  # 16 training photos in batches of 4: stopped inside epoch 1
    assert result.partial_last_epoch
    assert result.epochs_run == 1
    assert len(result.history["val_loss"]) == 1
    assert result.evaluation is not None


def test_background_run_stop_and_one_training_at_a_time():
    slot = live_run.TrainingSlot()
    config = live_model.LiveConfig(architecture="tiny", image_size=32, epochs=50, batch_size=4)
    run = slot.start(config, generated_images(per_class=10), owner="first")
    assert run is not None and slot.current is run
    assert slot.start(config, generated_images(per_class=10), owner="second") is None  # busy
    deadline = 60.0
    while run.snapshot().epochs_done < 1 and deadline > 0:
        run.wait(0.1)
        deadline -= 0.1
    run.stop()
    assert run.wait(120)
    snapshot = run.snapshot()
    assert snapshot.state == "stopped" and snapshot.done and snapshot.fraction == 1.0
    assert snapshot.remaining_seconds == 0.0
    assert run.result.stopped_by_user and 1 <= run.result.epochs_run < 50
    assert not run.error
    assert slot.current is None  # the slot is free again
    with pytest.raises(ValueError, match="already been started"):
        run.start(generated_images())


def test_a_failing_run_reports_its_message_and_frees_the_slot():
    slot = live_run.TrainingSlot()
    one_class = generated_images(per_class=10, classes=("cats",))
    run = slot.start(live_model.LiveConfig(architecture="tiny", image_size=32, epochs=1), one_class, owner="x")
    assert run.wait(60)
    assert run.result is None and "Only one class" in run.error
    assert run.snapshot().state == "failed" and run.snapshot().error == run.error
    assert slot.current is None


def test_wrong_image_size_is_refused():
    with pytest.raises(ValueError, match="expects 64×64"):
        live_run.train_live(live_model.LiveConfig(image_size=64, epochs=1), generated_images(size=32))


def test_progress_snapshot_fraction_and_estimate():
    progress = live_run.TrainingProgress(total_epochs=4)
    assert progress.snapshot().state == "starting" and progress.snapshot().fraction == 0.0
    progress.begin(batches_per_epoch=5)
    for batch in range(1, 6):
        progress.batch_finished(batch)
    progress.epoch_finished({"loss": 0.5, "accuracy": 0.7})
    progress.batch_finished(1)
    snapshot = progress.snapshot()
    assert snapshot.epochs_done == 1 and snapshot.batch == 1
    assert snapshot.fraction == pytest.approx(6 / 20)
    assert snapshot.remaining_seconds is not None and snapshot.remaining_seconds >= 0
    assert snapshot.history == {"loss": (0.5,), "accuracy": (0.7,)}
    progress.end("finished")
    assert progress.snapshot().fraction == 1.0


# ----------------------------------------------------------------------------
# Saving into models/ only on request, never over a shipped model
# ----------------------------------------------------------------------------


def test_save_live_model_is_readable_by_the_registry(trained, tmp_path):
    folder = live_export.save_live_model(trained, "live-test", tmp_path)
    info = registry.read_card(folder)
    assert info.available and info.input_size == (32, 32) and info.class_names == ("cats", "dogs")
    assert info.card["live"] is True
    model = registry.load_model(info)
    assert model.input_shape == (None, 32, 32, 3)
    assert json.loads((folder / "history.json").read_text())["loss"] == pytest.approx(list(trained.history["loss"]))
    # Saving again under the same name replaces the earlier live model.
    assert live_export.save_live_model(trained, "live-test", tmp_path) == folder
    assert sorted(path.name for path in tmp_path.iterdir()) == ["live-test"]


def test_save_live_model_never_replaces_a_shipped_model(trained, tmp_path):
    with pytest.raises(ValueError, match="shipped model"):
        live_export.save_live_model(trained, "classic", tmp_path)
    shipped = tmp_path / "my-model"
    shipped.mkdir()
    (shipped / "model.json").write_text(json.dumps({"name": "my-model"}))
    with pytest.raises(ValueError, match="not trained on this page"):
        live_export.save_live_model(trained, "my-model", tmp_path)
    assert json.loads((shipped / "model.json").read_text()) == {"name": "my-model"}
    for bad in ("", "Has Spaces", "../escape", "x" * 41):
        with pytest.raises(ValueError, match="lowercase"):
            live_export.save_live_model(trained, bad, tmp_path)
