"""The live-training networks and settings: the two architectures, their sizes, and the checks on a LiveConfig."""

from __future__ import annotations

import pytest

from core.training.live import networks


def test_small_architecture_with_and_without_dropout():
    with_dropout = networks.small(64, 2, dropout=0.3)
    assert with_dropout.get_layer("dropout").rate == 0.3
    assert with_dropout.output_shape == (None, 1)
    assert with_dropout.get_layer("rescale") is not None
    without = networks.small(64, 2, dropout=0.0)
    assert "dropout" not in [layer.name for layer in without.layers]
    # Global pooling: the parameter count does not depend on the image size.
    assert networks.small(32, 2).count_params() == networks.small(128, 2).count_params() == 23_649
    assert networks.small(32, 3).output_shape == (None, 3)
    with pytest.raises(ValueError, match="dropout"):
        networks.small(32, 2, dropout=1.0)


def test_build_live_model_choices():
    assert networks.build_live_model("tiny", 32, 2).count_params() == 417
    assert networks.count_parameters("small", 48, 2, 0.2) == 23_649
    assert networks.build_live_model("head", 48, 2).count_params() == networks.TRANSFER_FEATURES + 1
    medium = networks.build_live_model("medium", 48, 2, 0.2)
    assert [layer.name for layer in medium.layers if "norm" in layer.name] == ["norm1", "norm2", "norm3", "norm4"]
    assert medium.get_layer("norm1").momentum == 0.9
    with pytest.raises(ValueError, match="Unknown live architecture"):
        networks.build_live_model("huge", 32, 2)
    with pytest.raises(ValueError, match="at least 2 classes"):
        networks.build_live_model("tiny", 32, 1)


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
        networks.LiveConfig(**change).validate()



def test_config_from_the_page_controls():
    config = networks.LiveConfig.from_choices(
        architecture="small", image_size=48, epochs=5, batch_size=32, learning_rate=3e-3, augmentation=True,
        dropout=0.4, holdout_percent=25)
    assert config == networks.LiveConfig(architecture="small", image_size=48, epochs=5, batch_size=32,
                                           learning_rate=3e-3, augmentation=True, dropout=0.4,
                                           holdout_fraction=0.25)
    # `tiny` has no dropout layer: whatever the (disabled) slider says does not count.
    tiny = networks.LiveConfig.from_choices(
        architecture="tiny", image_size=32, epochs=1, batch_size=8, learning_rate=1e-3, augmentation=False,
        dropout=0.4, holdout_percent=10)
    assert tiny.dropout == 0.0 and tiny.holdout_fraction == pytest.approx(0.1)


def test_the_defaults_are_choices_the_controls_offer():
    defaults = networks.LiveConfig()
    assert defaults.validate() is defaults and defaults == networks.PRESETS["scratch"]
    assert networks.PRESETS["transfer"].image_size in networks.TRANSFER_IMAGE_SIZES
    assert defaults.architecture in networks.ARCHITECTURE_CHOICES
    assert defaults.image_size in networks.IMAGE_SIZES
    assert defaults.batch_size in networks.BATCH_SIZES
    assert defaults.learning_rate in networks.LEARNING_RATES
    assert set(networks.ARCHITECTURE_LABELS) == set(networks.ARCHITECTURE_CHOICES)


def test_parameter_sentence_and_learning_rate_text():
    assert networks.parameter_sentence(23649) == "This network has 23,649 weights to learn (for two classes)."
    assert networks.parameter_sentence(257, frozen=True).startswith("Only the head's 257 weights are learned")
    assert [networks.format_learning_rate(rate) for rate in networks.LEARNING_RATES] == [
        "0.0001", "0.0003", "0.001", "0.003", "0.01"]
