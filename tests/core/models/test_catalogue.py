"""The models the Architecture page offers: shipped ones first, then every architecture built in code."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import architectures, catalogue
from core.models.registry import ModelInfo
from core.models.weights import MOBILENET_WEIGHTS_ENV


def model_info(name: str, folder: Path, kind: str = "keras", available: bool = True) -> ModelInfo:
    return ModelInfo(name=name, title=f"The {name} model", architecture=name, kind=kind, input_size=(150, 150),
                     class_names=("cats", "dogs"), test_accuracy=0.9, folder=folder, available=available)


def test_shipped_models_come_first_then_the_rest_built_in_code(tmp_path):
    infos = [model_info("compact", tmp_path), model_info("classic", tmp_path, available=False)]
    choices = catalogue.model_choices(infos)
    names = [choice.name for choice in choices]
    assert names[0] == "compact" and sorted(names) == sorted(architectures.ARCHITECTURES)
    assert choices[0].shipped is infos[0] and choices[0].label == "The compact model · 90.0% test accuracy"
    classic = next(choice for choice in choices if choice.name == "classic")
    assert classic.shipped is None  # unavailable: offered as the architecture built in code
    assert classic.label.startswith("classic: ") and classic.label.endswith(" (built in code, untrained)")
    assert not classic.label.removesuffix(" (built in code, untrained)").endswith(".")
    assert choices[catalogue.default_choice_index(choices)].name == "classic"
    assert catalogue.default_choice_index(choices[:1]) == 0


def test_untrained_models_and_unknown_architectures():
    assert catalogue.untrained_model("tiny").count_params() == 417
    with pytest.raises(ValueError, match="Unknown architecture 'resnet'"):
        catalogue.untrained_model("resnet")
    with pytest.raises(ValueError, match="Unknown architecture"):
        catalogue.architecture_title("resnet")


def test_saved_size_counts_the_files_that_exist(tmp_path, monkeypatch):
    keras_model = model_info("classic", tmp_path)
    assert catalogue.saved_size(keras_model) is None
    (tmp_path / "model.keras").write_bytes(bytes(2_500_000))
    size = catalogue.saved_size(keras_model)
    assert size == catalogue.SavedSize(2.5, 1)
    assert size.sentence == "The saved file takes 2.50 MB on disk."
    weights = tmp_path / "mobilenet.h5"
    weights.write_bytes(bytes(1_000_000))
    monkeypatch.setenv(MOBILENET_WEIGHTS_ENV, str(weights))
    (tmp_path / "head.keras").write_bytes(bytes(250_000))
    transfer = catalogue.saved_size(model_info("transfer", tmp_path, kind="transfer"))
    assert transfer == catalogue.SavedSize(1.25, 2)
    assert transfer.sentence == "The saved files take 1.25 MB on disk."
