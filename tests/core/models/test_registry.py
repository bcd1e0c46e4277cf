"""core/models/registry.py: listing, availability of the transfer model, and loading."""

import json

import keras
import numpy as np
import pytest

from core.models import architectures, inference, registry
from core.models.weights import MOBILENET_WEIGHTS_ENV


def write_card(folder, **fields):
    folder.mkdir(parents=True)
    card = {"name": folder.name, "architecture": "tiny", "kind": "keras", "input_size": [32, 32],
            "class_names": ["cats", "dogs"], **fields}
    (folder / "model.json").write_text(json.dumps(card))
    return folder


def test_models_are_listed_most_accurate_first(tmp_path, tiny_model):
    for name, accuracy in [("weak", 0.7), ("strong", 0.9)]:
        folder = write_card(tmp_path / name)
        tiny_model.save(folder / "model.keras")
        (folder / "metrics.json").write_text(json.dumps({"accuracy": accuracy}))
    infos = registry.list_models(tmp_path)
    assert [info.name for info in infos] == ["strong", "weak"]
    assert registry.default_model_name(infos) == "strong"
    assert "90.0% test accuracy" in infos[0].label


def test_missing_network_file_makes_a_model_unavailable(tmp_path):
    write_card(tmp_path / "broken")
    info = registry.get_model_info("broken", tmp_path)
    assert not info.available
    assert "model.keras is missing" in info.reason
    assert info.fix_command.startswith("python -m core.training.train")
    with pytest.raises(ValueError, match="unavailable"):
        registry.load_model(info)


def test_transfer_without_base_weights_is_unavailable_with_a_fix(tmp_path, monkeypatch):
    monkeypatch.setenv(MOBILENET_WEIGHTS_ENV, str(tmp_path / "nowhere.h5"))
    folder = write_card(tmp_path / "transfer", kind="transfer", architecture="transfer", input_size=[96, 96])
    (folder / "head.keras").write_bytes(b"placeholder")
    info = registry.get_model_info("transfer", tmp_path)
    assert not info.available
    assert "does not exist" in info.reason


def test_transfer_is_assembled_from_base_and_head(tmp_path, monkeypatch):
    # A randomly initialised base saved as a weight file stands in for the ImageNet one.
    keras.utils.set_random_seed(0)
    base = architectures.mobilenet_base(96, weights=None)
    weights_file = tmp_path / "mobilenet.weights.h5"
    base.save_weights(weights_file)
    monkeypatch.setenv(MOBILENET_WEIGHTS_ENV, str(weights_file))
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    folder = write_card(tmp_path / "transfer", kind="transfer", architecture="transfer", input_size=[96, 96])
    head.save(folder / "head.keras")
    info = registry.get_model_info("transfer", tmp_path)
    assert info.available
    model = registry.load_model(info)
    # The expected answer, worked out by hand without the assembly under test: MobileNet's
    # own scaling (0..255 -> -1..1), the base from the weight file, then the saved head.
    pixels = np.random.default_rng(1).integers(0, 255, (2, 96, 96, 3)).astype(np.uint8)
    scaled = pixels.astype("float32") / 127.5 - 1.0
    features = base(scaled, training=False)
    saved_head = keras.saving.load_model(folder / "head.keras", compile=False)
    dog = keras.ops.convert_to_numpy(saved_head(features, training=False))[:, 0]
    probabilities = inference.predict_probabilities(model, pixels)
    np.testing.assert_allclose(probabilities[:, 1], dog, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probabilities[:, 0], 1 - dog, rtol=1e-5, atol=1e-6)
    # The assembled model is pixels -> rescale -> the base (frozen) -> head, with the saved weights.
    assert [layer.name for layer in model.layers] == ["pixels", "rescale", base.name, "head"]
    assert not model.get_layer(base.name).trainable
    for loaded, saved in zip(model.get_layer("head").get_weights(), saved_head.get_weights()):
        np.testing.assert_array_equal(loaded, saved)


def test_a_fine_tuned_transfer_model_needs_its_tuned_layers(tmp_path):
    folder = write_card(tmp_path / "transfer", kind="transfer", architecture="transfer", input_size=[96, 96],
                        base={"fine_tuned_layers": ["conv_dw_13", "conv_pw_13"]})
    (folder / "head.keras").write_bytes(b"placeholder")
    info = registry.get_model_info("transfer", tmp_path)
    assert not info.available
    assert info.reason == "fine_tuned.keras (its fine-tuned MobileNet blocks) is missing from transfer/."
    assert "--fine-tune-blocks" in info.fix_command
    assert registry.fine_tuned_layers(info.card) == ("conv_dw_13", "conv_pw_13")
    assert registry.fine_tuned_layers({"base": {"trainable": False}}) == ()


def test_unknown_model_name_lists_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match="No model named 'nope'"):
        registry.get_model_info("nope", tmp_path)


def test_card_calibration_and_novelty_round_trip(tmp_path, tiny_model):
    from dataclasses import asdict

    calibration = registry.CalibrationCard(
        temperature=1.43, fitted_on=1000, ece_before=0.015, ece_after=0.006,
        reliability_before={"split": "test", "bins": []}, reliability_after={"split": "test", "bins": []},
        unsure_rule={"threshold": 0.8})
    novelty = registry.NoveltyCard(method="knn", layer="base pooled", threshold=0.21, fitted_on=4000,
                                   validation_flag_rate=0.03, test_flag_rate=0.024,
                                   auroc={"overall": 0.97}, caught={"overall": 0.8}, milliseconds_per_photo=1.5)
    folder = write_card(tmp_path / "fitted", calibration=asdict(calibration),
                        novelty={**asdict(novelty), "candidates": [{"layer": "x"}]})  # extra keys are ignored
    tiny_model.save(folder / "model.keras")
    info = registry.get_model_info("fitted", tmp_path)
    assert info.calibration == calibration and info.novelty == novelty
    assert info.calibration.reliability_before == calibration.reliability_before  # not compared by ==
    assert info.novelty.auroc == {"overall": 0.97} and info.novelty.caught == {"overall": 0.8}
    assert info.calibration.fitted


def test_an_old_card_loads_uncalibrated_and_without_a_novelty_score(tmp_path, tiny_model):
    folder = write_card(tmp_path / "old")
    tiny_model.save(folder / "model.keras")
    info = registry.get_model_info("old", tmp_path)
    assert info.calibration == registry.CalibrationCard() and info.calibration.temperature == 1.0
    assert not info.calibration.fitted and info.novelty is None
