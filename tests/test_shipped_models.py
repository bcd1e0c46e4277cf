"""The committed models: complete folders, and their accuracy on the real test photos."""

import json

import numpy as np
import pytest

from core.data.files import list_labeled_files
from core.models import registry
from core.training.evaluation import predict_scores

SHIPPED = registry.list_models()
pytestmark = pytest.mark.slow


def test_the_app_ships_trained_models():
    names = {info.name for info in SHIPPED}
    assert {"classic", "transfer"} <= names


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_model_folder_is_complete_and_small(info):
    network = info.folder / ("head.keras" if info.kind == "transfer" else "model.keras")
    assert network.stat().st_size < 15 * 1024 * 1024
    history = json.loads((info.folder / "history.json").read_text())
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= history.keys()
    metrics = json.loads((info.folder / "metrics.json").read_text())
    for key in ("accuracy", "precision", "recall", "f1", "roc_auc", "confusion_matrix", "wrong"):
        assert key in metrics
    assert info.card["class_names"] == ["cats", "dogs"]
    if info.kind == "transfer":
        assert not (info.folder / "model.keras").exists(), "never ship the ImageNet base weights"
        # head.keras holds only the trained head: no MobileNet layer, only the trainable weights.
        import keras

        head = keras.saving.load_model(network, compile=False)
        assert not any(layer.name.startswith(("conv_dw", "conv_pw", "conv1")) for layer in head.layers)
        assert head.count_params() == info.card["trainable_parameters"]


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_accuracy_on_the_real_test_photos_matches_metrics(info, shared_data_dir):
    if not info.available:
        pytest.skip(f"{info.name}: {info.reason}")
    files = list_labeled_files(shared_data_dir / "test")
    model = registry.load_model(info)
    probabilities = predict_scores(model, files, info.input_size[0])
    accuracy = float((probabilities.argmax(axis=1) == np.asarray(files.labels)).mean())
    assert accuracy == pytest.approx(info.test_accuracy, abs=0.005)
