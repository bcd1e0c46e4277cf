"""The committed models: complete folders, the documented sizes, and their accuracy on the real test photos."""

import json

import keras
import numpy as np
import pytest

from core.data.files import list_labeled_files
from core.models import registry
from core.training.split_measurement import split_probabilities
from tests.support.requirements import require

SHIPPED = registry.list_models()
pytestmark = pytest.mark.slow

#: (parameters, trainable parameters) as the README's table of shipped models states them.
DOCUMENTED_PARAMETERS = {
    "transfer": (513_713, 432_001), "compact": (1_175_393, 1_173_473), "classic": (3_453_121, 3_453_121),
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
        # Trained here: the head, plus the base's fine-tuned layers if it has any.
        fine_tuned = (info.card.get("base") or {}).get("fine_tuned_parameters", 0)
        assert head.count_params() + fine_tuned == info.card["trainable_parameters"] == \
            DOCUMENTED_PARAMETERS["transfer"][1]


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_accuracy_on_the_real_test_photos_matches_metrics(info, shared_data_dir):
    require_loadable(info)
    files = list_labeled_files(shared_data_dir / "test")
    model = registry.load_model(info)
    probabilities = split_probabilities(model, files, info.input_size[0])
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


@pytest.mark.parametrize("info", [info for info in SHIPPED if registry.fine_tuned_layers(info.card)],
                         ids=lambda info: info.name)
def test_fine_tuned_layers_are_the_projects_own_weights(info, mobilenet_weights):
    """The shipped fine-tuned layers hold trained numbers, not ImageNet's; the rest of the base is ImageNet's."""
    from core.models import architectures
    from core.models.fine_tuned import FINE_TUNED_FILE

    tuned = registry.fine_tuned_layers(info.card)
    shipped = keras.saving.load_model(info.folder / FINE_TUNED_FILE, compile=False)
    assert sorted(layer.name for layer in shipped.layers if layer.weights) == sorted(tuned)
    assert (info.folder / FINE_TUNED_FILE).stat().st_size < 2 * 1024 * 1024
    imagenet = architectures.mobilenet_base(info.input_size[0], str(mobilenet_weights))
    for layer in (layer for layer in shipped.layers if layer.weights):
        for got, original in zip(layer.get_weights(), imagenet.get_layer(layer.name).get_weights()):
            assert (got != original).mean() > 0.9, f"{layer.name} still holds ImageNet's numbers"
    model = registry.load_model(info)
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model) and layer.name != "head")
    for layer in base.layers:
        if layer.weights and layer.name not in tuned:
            for got, original in zip(layer.get_weights(), imagenet.get_layer(layer.name).get_weights()):
                np.testing.assert_array_equal(got, original)
    assert info.card["base"]["fine_tuned_parameters"] == sum(int(np.prod(w.shape)) for w in shipped.weights)
