"""The committed models: complete folders, the documented sizes, and their accuracy on the real test photos."""

import json

import keras
import numpy as np
import pytest

from core.data.files import list_labeled_files
from core.models import registry
from core.training.evaluation import predict_scores
from tests.support.requirements import require

SHIPPED = registry.list_models()
pytestmark = pytest.mark.slow

#: (parameters, trainable parameters) as the README's table of shipped models states them.
DOCUMENTED_PARAMETERS = {
    "transfer": (513_713, 295_169), "compact": (1_175_393, 1_173_473), "classic": (3_453_121, 3_453_121),
    "normalized": (2_711_425, 2_711_105), "baseline": (2_710_785, 2_710_785), "augmented": (2_710_785, 2_710_785),
}

#: The transfer model's head, layer by layer (core.models.architectures.transfer_head).
TRANSFER_HEAD_LAYERS = ["features", "head_conv", "global_pool", "dropout", "output"]


def require_loadable(info: registry.ModelInfo) -> None:
    """A from-scratch model must load anywhere; the transfer one also needs MobileNet's weights."""
    if info.kind == "transfer":
        require(info.available, f"The transfer model's MobileNet weights ({info.reason})")
    assert info.available, info.reason


def test_the_app_ships_trained_models():
    names = {info.name for info in SHIPPED}
    assert names == set(DOCUMENTED_PARAMETERS)


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
        head = keras.saving.load_model(network, compile=False)
        assert not any(layer.name.startswith(("conv_dw", "conv_pw", "conv1")) for layer in head.layers)
        assert [layer.name for layer in head.layers] == TRANSFER_HEAD_LAYERS
        assert head.count_params() == info.card["trainable_parameters"] == DOCUMENTED_PARAMETERS["transfer"][1]


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_accuracy_on_the_real_test_photos_matches_metrics(info, shared_data_dir):
    require_loadable(info)
    files = list_labeled_files(shared_data_dir / "test")
    model = registry.load_model(info)
    probabilities = predict_scores(model, files, info.input_size[0])
    accuracy = float((probabilities.argmax(axis=1) == np.asarray(files.labels)).mean())
    assert accuracy == pytest.approx(info.test_accuracy, abs=0.005)


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_loaded_model_has_the_documented_size_and_input(info):
    require_loadable(info)
    model = registry.load_model(info)
    parameters, trainable = DOCUMENTED_PARAMETERS[info.name]
    assert model.count_params() == parameters == info.card["parameters"]
    assert sum(int(np.prod(weight.shape)) for weight in model.trainable_weights) == trainable
    assert tuple(model.input_shape[1:]) == (*info.input_size, 3)
    assert model.output_shape == (None, 1)  # one sigmoid unit: the probability of "dogs"
