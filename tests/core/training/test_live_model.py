"""The live-training networks and settings: the two architectures, their sizes, and the checks on a LiveConfig."""

from __future__ import annotations

import pytest

from core.training import live_model


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
    assert live_model.build_live_model("head", 48, 2).count_params() == live_model.TRANSFER_FEATURES + 1
    medium = live_model.build_live_model("medium", 48, 2, 0.2)
    assert [layer.name for layer in medium.layers if "norm" in layer.name] == ["norm1", "norm2", "norm3", "norm4"]
    assert medium.get_layer("norm1").momentum == 0.9
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



def test_config_from_the_page_controls():
    config = live_model.LiveConfig.from_choices(
        architecture="small", image_size=48, epochs=5, batch_size=32, learning_rate=3e-3, augmentation=True,
        dropout=0.4, holdout_percent=25)
    assert config == live_model.LiveConfig(architecture="small", image_size=48, epochs=5, batch_size=32,
                                           learning_rate=3e-3, augmentation=True, dropout=0.4,
                                           holdout_fraction=0.25)
    # `tiny` has no dropout layer: whatever the (disabled) slider says does not count.
    tiny = live_model.LiveConfig.from_choices(
        architecture="tiny", image_size=32, epochs=1, batch_size=8, learning_rate=1e-3, augmentation=False,
        dropout=0.4, holdout_percent=10)
    assert tiny.dropout == 0.0 and tiny.holdout_fraction == pytest.approx(0.1)


def test_the_defaults_are_choices_the_controls_offer():
    defaults = live_model.LiveConfig()
    assert defaults.validate() is defaults and defaults == live_model.PRESETS["scratch"]
    assert live_model.PRESETS["transfer"].image_size in live_model.TRANSFER_IMAGE_SIZES
    assert defaults.architecture in live_model.ARCHITECTURE_CHOICES
    assert defaults.image_size in live_model.IMAGE_SIZES
    assert defaults.batch_size in live_model.BATCH_SIZES
    assert defaults.learning_rate in live_model.LEARNING_RATES
    assert set(live_model.ARCHITECTURE_LABELS) == set(live_model.ARCHITECTURE_CHOICES)


def test_parameter_sentence_and_learning_rate_text():
    assert live_model.parameter_sentence(23649) == "This network has 23,649 weights to learn (for two classes)."
    assert live_model.parameter_sentence(257, frozen=True).startswith("Only the head's 257 weights are learned")
    assert [live_model.format_learning_rate(rate) for rate in live_model.LEARNING_RATES] == [
        "0.0001", "0.0003", "0.001", "0.003", "0.01"]
