"""Keeping what live training made: the .keras file, the history as JSON and CSV, and a folder in models/."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from core.models import inference, registry
from core.models.architectures import tiny
from core.training.live import networks, saving, trainer
from core.training.live.held_out import evaluate_live
from harness.training_images import generated_images

#: Two epochs as Keras logs them.
HISTORY = {"loss": (0.69, 0.5), "accuracy": (0.5, 0.75), "val_loss": (0.7, 0.6), "val_accuracy": (0.5, 0.625),
           "seconds": (1.5, 1.25)}


@pytest.fixture(scope="module")
def result() -> trainer.LiveResult:
    """A live result without the training (a seeded tiny network): saving does not care how good it is."""
    keras.utils.set_random_seed(0)
    model = tiny(image_size=32)
    holdout = generated_images(per_class=2)
    config = networks.LiveConfig(architecture="tiny", image_size=32, epochs=3, batch_size=8, dropout=0.0)
    return trainer.LiveResult(model=model, history=HISTORY, config=config, class_names=("cats", "dogs"),
                               stopped_by_user=True, partial_last_epoch=False, training_seconds=2.75,
                               train_counts={"cats": 8, "dogs": 8}, holdout=holdout,
                               evaluation=evaluate_live(model, holdout))


def test_exported_model_loads_and_predicts_the_same(result, tmp_path):
    data = saving.model_to_keras_bytes(result.model)
    assert data[:2] == b"PK"  # a .keras file is a zip
    path = tmp_path / "live.keras"
    path.write_bytes(data)
    loaded = keras.saving.load_model(path, compile=False)
    images = result.holdout.images
    np.testing.assert_allclose(inference.predict_probabilities(loaded, images),
                               inference.predict_probabilities(result.model, images), atol=1e-6)
    # The app's own prediction helper accepts it like a shipped model.
    assert inference.predict_probabilities(loaded, images[0]).shape == (1, 2)


def test_history_as_json():
    assert json.loads(saving.history_to_json(HISTORY)) == {key: list(values) for key, values in HISTORY.items()}


def test_history_as_csv_one_row_per_epoch():
    assert saving.history_to_csv(HISTORY).splitlines() == [
        "epoch,loss,accuracy,val_loss,val_accuracy,seconds",
        "1,0.69,0.5,0.7,0.5,1.5",
        "2,0.5,0.75,0.6,0.625,1.25",
    ]
    # Quantities it does not know come last, alphabetically; a shorter one leaves its cells empty.
    assert saving.history_to_csv({"loss": (1.0, 0.5), "zeta": (3.0,), "alpha": (2.0, 2.0)}).splitlines() == [
        "epoch,loss,alpha,zeta", "1,1,2,3", "2,0.5,2,"]
    assert saving.history_to_csv({}) == "epoch\n"


def test_save_live_model_is_readable_by_the_registry(result, tmp_path):
    folder = saving.save_live_model(result, "live-test", tmp_path)
    info = registry.read_card(folder)
    assert info.available and info.input_size == (32, 32) and info.class_names == ("cats", "dogs")
    assert info.card["live"] is True
    assert info.card["epochs_requested"] == 3 and info.card["epochs_run"] == 2 and info.card["stopped_early"]
    assert info.card["dataset_counts"] == {"train": {"cats": 8, "dogs": 8}, "held_out": {"cats": 2, "dogs": 2}}
    model = registry.load_model(info)
    assert model.input_shape == (None, 32, 32, 3)
    assert json.loads((folder / "history.json").read_text())["loss"] == [0.69, 0.5]
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["evaluated_on"] == "photos held out from the live training" and metrics["count"] == 4
    # Saving again under the same name replaces the earlier live model.
    assert saving.save_live_model(result, "live-test", tmp_path) == folder
    assert sorted(path.name for path in tmp_path.iterdir()) == ["live-test"]


def test_save_live_model_never_replaces_a_shipped_model(result, tmp_path):
    with pytest.raises(ValueError, match="shipped model"):
        saving.save_live_model(result, "classic", tmp_path)
    shipped = tmp_path / "my-model"
    shipped.mkdir()
    (shipped / "model.json").write_text(json.dumps({"name": "my-model"}))
    with pytest.raises(ValueError, match="not trained on this page"):
        saving.save_live_model(result, "my-model", tmp_path)
    assert json.loads((shipped / "model.json").read_text()) == {"name": "my-model"}
    for bad in ("", "Has Spaces", "../escape", "x" * 41):
        with pytest.raises(ValueError, match="lowercase"):
            saving.save_live_model(result, bad, tmp_path)
