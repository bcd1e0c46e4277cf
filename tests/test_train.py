"""The training command on generated photos: writes a complete, loadable model folder."""

import json
from pathlib import Path

import numpy as np
import pytest

from core import registry, train
from tests.conftest import make_class_folder


@pytest.fixture(scope="module")
def split_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data")
    make_class_folder(root / "train", per_class=12, size=36)
    make_class_folder(root / "validation", per_class=4, size=36)
    make_class_folder(root / "test", per_class=5, size=36)
    return root


def run_tiny(data: Path, out: Path, **overrides) -> Path:
    options = dict(arch="tiny", data=data, out=out, name="tiny", epochs=2, batch_size=8, image_size=32,
                   augmentation="none", verbose=0, learning_rate=0.01)
    options.update(overrides)
    return train.train(train.TrainingConfig(**options))


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
    probabilities = registry.predict_probabilities(model, np.zeros((3, 32, 32, 3), np.uint8))
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

    monkeypatch.setattr(train, "evaluate", crash)
    with pytest.raises(KeyboardInterrupt):
        run_tiny(split_data, tmp_path)
    after = {p.name: p.read_bytes() for p in first.iterdir()}
    assert after == before


def test_mirrored_strategy_trains_on_cpu(split_data, tmp_path):
    folder = run_tiny(split_data, tmp_path, strategy="mirrored", epochs=1, name="mirrored")
    assert (folder / "model.keras").is_file()


def test_multiworker_needs_a_cluster_description(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        train.make_strategy("multiworker")


def test_resume_continues_from_the_last_finished_epoch(split_data, tmp_path):
    import keras

    class CrashAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise KeyboardInterrupt("killed after epoch 1")

    class CountEpochs(keras.callbacks.Callback):
        epochs: list = []

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


def test_command_line_reports_bad_data_without_traceback(tmp_path, capsys):
    code = train.main(["--arch", "tiny", "--data", str(tmp_path / "missing"), "--out", str(tmp_path)])
    assert code == 2
    assert "error:" in capsys.readouterr().err
