"""core/training/train.py, the training command on generated photos: writes a complete, loadable model folder."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from core.augment.settings import PRESETS
from core.data import pipeline
from core.data.files import split_folder
from core.models import inference, registry
from core.training import train
from tests.support.training_runs import make_split_data, run_tiny


@pytest.fixture(scope="module")

def split_data(tmp_path_factory) -> Path:
    return make_split_data(tmp_path_factory.mktemp("data"))


def test_two_epochs_write_a_loadable_model(split_data, tmp_path):
    folder = run_tiny(split_data, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["history.json", "metrics.json", "model.json", "model.keras"]
    history = json.loads((folder / "history.json").read_text())
    assert len(history["loss"]) == 2 and len(history["val_accuracy"]) == 2
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["count"] == 10
    assert np.sum(metrics["confusion_matrix"]) == 10
    assert metrics["class_names"] == ["cats", "dogs"]
    info = registry.get_model_info("tiny", models_dir=tmp_path)
    assert info.available and info.input_size == (32, 32) and info.test_accuracy == metrics["accuracy"]
    model = registry.load_model(info, models_dir=tmp_path)
    probabilities = inference.predict_probabilities(model, np.zeros((3, 32, 32, 3), np.uint8))
    assert probabilities.shape == (3, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert not list(tmp_path.glob(".tiny*")), "temporary folders must be cleaned up"
    # Shipped files hold the weights only, not Adam's state (three times the size).
    import keras

    assert getattr(keras.saving.load_model(folder / "model.keras"), "optimizer", None) is None


def test_a_class_coloured_task_is_learned(split_data, tmp_path):
    # Classes differ by colour: a few epochs must beat chance clearly.
    folder = run_tiny(split_data, tmp_path, epochs=12, learning_rate=0.03, name="learned")
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["accuracy"] >= 0.8


def test_interrupted_run_leaves_the_previous_model_intact(split_data, tmp_path, monkeypatch):
    first = run_tiny(split_data, tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut while saving")

    monkeypatch.setattr(train, "measure_split", crash)
    with pytest.raises(KeyboardInterrupt):
        run_tiny(split_data, tmp_path)
    after = {p.name: p.read_bytes() for p in first.iterdir()}
    assert after == before


def test_mirrored_strategy_trains_on_cpu(split_data, tmp_path):
    folder = run_tiny(split_data, tmp_path, strategy="mirrored", epochs=1, name="mirrored")
    assert (folder / "model.keras").is_file()


def test_resume_continues_from_the_last_finished_epoch(split_data, tmp_path):
    import keras

    class CrashAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise KeyboardInterrupt("killed after epoch 1")

    class CountEpochs(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epochs: list[int] = []

        def on_epoch_begin(self, epoch, logs=None):
            self.epochs.append(epoch)

    with pytest.raises(KeyboardInterrupt):
        run_tiny(split_data, tmp_path, epochs=3, name="resumed", callbacks=[CrashAfterFirstEpoch()])
    first_loss = json.loads((tmp_path / ".resumed.run" / "history.json").read_text())["loss"]
    assert len(first_loss) == 1 and not (tmp_path / "resumed").exists()
    counter = CountEpochs()
    folder = run_tiny(split_data, tmp_path, epochs=3, name="resumed", callbacks=[counter])
    assert counter.epochs == [1, 2], "the resumed run must skip the finished first epoch"
    history = json.loads((folder / "history.json").read_text())
    assert len(history["loss"]) == 3 and history["loss"][0] == first_loss[0]


@pytest.mark.parametrize("setting, message", [
    ({"cache_features": True}, "--cache-features only applies to --arch transfer"),
    ({"epochs": 0}, "--epochs must be at least 1, not 0"),
    ({"augmentation": "sideways"}, "--augmentation must be one of"),
    ({"finalize": True}, "--finalize needs an interrupted run"),
])
def test_an_impossible_setting_fails_before_any_photo_is_read(tmp_path, setting, message):
    # The data folder is empty: had the run read it first, the error would be about missing train/ and validation/.
    empty = tmp_path / "empty"
    empty.mkdir()
    config = train.TrainingConfig(arch="tiny", data=empty, out=tmp_path / "out", name="tiny", **setting)
    with pytest.raises(ValueError, match=message):
        train.train(config)
    assert not (tmp_path / "out").exists(), "nothing may be written for a run that cannot start"


def test_the_command_lines_defaults_are_the_training_configs(tmp_path):
    config = train.parse_args(["--arch", "tiny", "--data", str(tmp_path)])
    assert (config.epochs, config.batch_size, config.seed, config.learning_rate, config.patience) == (
        30, 32, 1337, 1e-3, 8)
    for setting in dataclasses.fields(train.TrainingConfig):
        if setting.default is not dataclasses.MISSING:
            assert getattr(config, setting.name) == setting.default, setting.name
    assert config.name == "tiny" and config.data == tmp_path and config.extra == {} and config.callbacks == []


def test_command_line_reports_bad_data_without_traceback(tmp_path, capsys):
    code = train.main(["--arch", "tiny", "--data", str(tmp_path / "missing"), "--out", str(tmp_path)])
    assert code == 2
    assert "error:" in capsys.readouterr().err


def test_other_keras_backends_train_from_memory_batches(split_data, tmp_path, monkeypatch):
    # Under JAX or PyTorch (a GPU box without TensorFlow) the same command feeds
    # MemoryBatches and trains on one device; tf.distribute is refused clearly.
    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    files = split_folder(split_data)["train"]
    batches = pipeline.make_dataset(files, 32, 8, training=True, augmentation=PRESETS["training"], seed=1)
    assert isinstance(batches, pipeline.MemoryBatches) and len(batches) == 3
    pixels, targets = batches[2]
    assert pixels.shape == (8, 32, 32, 3) and targets.shape == (8, 1) and targets.dtype == np.float32
    assert 0 <= float(np.min(pixels)) and float(np.max(pixels)) <= 255
    with pytest.raises(IndexError):
        batches[3]
    order = batches.order.copy()
    batches.on_epoch_end()
    assert sorted(order) == sorted(batches.order) and not np.array_equal(order, batches.order)
    folder = run_tiny(split_data, tmp_path, name="memory", augmentation="training")
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["count"] == 10 and (folder / "model.keras").is_file()


def test_transfer_head_trains_on_cached_features(split_data, tmp_path, monkeypatch):
    # A randomly initialised MobileNet stands in for the ImageNet one (no download in tests).
    from core.models import architectures

    monkeypatch.setattr(architectures, "resolve_mobilenet_weights", lambda weights=None: None)
    folder = run_tiny(split_data, tmp_path, arch="transfer", name="transfer", image_size=64, epochs=3,
                      cache_features=True)
    assert sorted(p.name for p in folder.iterdir()) == ["head.keras", "history.json", "metrics.json", "model.json"]
    history = json.loads((folder / "history.json").read_text())
    assert len(history["val_loss"]) == 3
    card = json.loads((folder / "model.json").read_text())
    assert card["input_size"] == [64, 64] and "mirror" in card["augmentation"]
    assert json.loads((folder / "metrics.json").read_text())["count"] == 10
    with pytest.raises(ValueError, match="only applies to --arch transfer"):
        run_tiny(split_data, tmp_path, cache_features=True)
