"""core/models/folder.py: the one atomic model-folder writer, for training and live training."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from core.models import architectures, folder, registry

CARD = {"name": "tiny", "architecture": "tiny", "kind": "keras", "input_size": [32, 32],
        "class_names": ["cats", "dogs"]}
HISTORY = {"loss": [0.7, 0.6], "accuracy": [0.5, 0.6], "val_loss": [0.69, 0.65], "val_accuracy": [0.5, 0.55]}
METRICS = {"accuracy": 0.55, "count": 20}


def compiled_tiny(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = architectures.tiny(image_size=32)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def pixels(count: int = 3) -> np.ndarray:
    return np.random.default_rng(5).integers(0, 256, (count, 32, 32, 3)).astype("float32")


def leftovers(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


def test_a_written_folder_is_complete_and_the_registry_loads_it(tmp_path):
    model = compiled_tiny()
    final = folder.write_model_folder(tmp_path / "tiny", model, CARD, HISTORY, METRICS)
    assert final == tmp_path / "tiny"
    assert sorted(path.name for path in final.iterdir()) == ["history.json", "metrics.json", "model.json",
                                                             "model.keras"]
    assert json.loads((final / "model.json").read_text()) == CARD
    assert json.loads((final / "history.json").read_text()) == HISTORY
    assert json.loads((final / "metrics.json").read_text()) == METRICS
    assert leftovers(tmp_path) == []  # no temporary or backup sibling stays behind
    loaded = registry.load_model("tiny", models_dir=tmp_path)
    np.testing.assert_allclose(loaded(pixels(), training=False), model(pixels(), training=False), rtol=1e-6)
    # Only the weights are shipped, not Adam's state.
    assert getattr(keras.saving.load_model(final / "model.keras"), "optimizer", None) is None


def test_the_parent_folder_is_created(tmp_path):
    final = folder.write_model_folder(tmp_path / "new" / "models" / "tiny", compiled_tiny(), CARD, HISTORY, METRICS)
    assert (final / "model.keras").is_file()


def test_an_existing_folder_is_replaced_as_a_whole(tmp_path):
    old = tmp_path / "tiny"
    old.mkdir()
    (old / "model.keras").write_bytes(b"the previous network")
    (old / "stale.txt").write_text("a file of the previous run")
    model = compiled_tiny(seed=1)
    folder.write_model_folder(old, model, CARD, HISTORY, METRICS)
    assert sorted(path.name for path in old.iterdir()) == ["history.json", "metrics.json", "model.json", "model.keras"]
    reloaded = keras.saving.load_model(old / "model.keras", compile=False)
    for saved, written in zip(reloaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(saved, written)
    assert leftovers(tmp_path) == []


def test_a_leftover_temporary_folder_from_a_crash_is_cleared(tmp_path):
    stale = tmp_path / ".tiny.tmp"
    stale.mkdir()
    (stale / "half_written.keras").write_bytes(b"")
    folder.write_model_folder(tmp_path / "tiny", compiled_tiny(), CARD, HISTORY, METRICS)
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "tiny" / "half_written.keras").exists()


@pytest.mark.parametrize("crash_at", ["saving the network", "writing the metrics"])
def test_a_crash_mid_write_leaves_the_old_folder_intact(tmp_path, monkeypatch, crash_at):
    final = folder.write_model_folder(tmp_path / "tiny", compiled_tiny(), CARD, HISTORY, METRICS)
    before = {path.name: path.read_bytes() for path in final.iterdir()}
    metrics = METRICS
    if crash_at == "saving the network":
        def power_cut(self, *args, **kwargs):
            raise KeyboardInterrupt("power cut while saving")

        monkeypatch.setattr(keras.Model, "save", power_cut)
        expected = KeyboardInterrupt
    else:
        metrics = {"accuracy": {0.9}}  # a set is not JSON: the write fails after model.keras and history.json
        expected = TypeError
    with pytest.raises(expected):
        folder.write_model_folder(final, compiled_tiny(seed=2), {**CARD, "name": "other"}, HISTORY, metrics)
    assert {path.name: path.read_bytes() for path in final.iterdir()} == before
    assert registry.get_model_info("tiny", models_dir=tmp_path).available
    assert [info.name for info in registry.list_models(tmp_path)] == ["tiny"]  # the half-written one is hidden


def test_head_only_saves_just_the_trained_head_of_a_transfer_model(tmp_path):
    keras.utils.set_random_seed(3)
    base = architectures.mobilenet_base(96, weights=None)
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    model = architectures.assemble_transfer(base, head, 96)
    card = {**CARD, "name": "transfer", "kind": "transfer", "architecture": "transfer", "input_size": [96, 96]}
    final = folder.write_model_folder(tmp_path / "transfer", model, card, HISTORY, METRICS, head_only=True)
    assert sorted(path.name for path in final.iterdir()) == ["head.keras", "history.json", "metrics.json",
                                                             "model.json"]
    saved = keras.saving.load_model(final / "head.keras", compile=False)
    assert [layer.name for layer in saved.layers] == ["features", "head_conv", "global_pool", "dropout", "output"]
    assert saved.count_params() == 295_169  # the head alone: none of MobileNet's 218,544 weights
    for written, trained in zip(saved.get_weights(), head.get_weights()):
        np.testing.assert_array_equal(written, trained)


def test_transfer_parts_splits_base_and_head():
    base = architectures.mobilenet_base(96, weights=None)
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    found_base, found_head = folder.transfer_parts(architectures.assemble_transfer(base, head, 96))
    assert found_base is base and found_head is head


def test_parameter_counts_for_the_card():
    assert folder.parameter_counts(architectures.compact()) == {"parameters": 1_175_393,
                                                               "trainable_parameters": 1_173_473}
    assert folder.parameter_counts(architectures.tiny()) == {"parameters": 417, "trainable_parameters": 417}


def test_without_optimizer_copies_the_weights_only():
    model = compiled_tiny()
    copy = folder.without_optimizer(model)
    assert copy is not model and not copy.compiled
    for copied, original in zip(copy.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(copied, original)


def test_now_text_is_an_iso_time_in_utc():
    from datetime import datetime

    written = datetime.fromisoformat(folder.now_text())
    assert written.utcoffset().total_seconds() == 0 and written.microsecond == 0
