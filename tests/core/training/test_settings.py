"""core/training/settings.py: the training command's one record of defaults, and the checks made before any data."""

from pathlib import Path

import pytest

from core.training.settings import TrainingConfig, check_settings, default_settings


def config(**overrides) -> TrainingConfig:
    return TrainingConfig(**{"arch": "transfer", "data": Path("photos"), "out": Path("models"), "name": "run",
                             **overrides})


def test_the_defaults_are_the_ones_the_docs_give():
    defaults = default_settings()
    assert (defaults["epochs"], defaults["batch_size"], defaults["learning_rate"], defaults["patience"]) == (
        30, 32, 1e-3, 8)
    assert defaults["resume"] is True and defaults["extra"] == {} and "arch" not in defaults


@pytest.mark.parametrize("setting, message", [
    ({"arch": "huge"}, "Unknown architecture 'huge'; choose one of"),
    ({"batch_size": 0}, "--batch-size must be at least 1, not 0"),
    ({"learning_rate": 0.0}, "--learning-rate must be above 0"),
    ({"strategy": "cloud"}, "Unknown strategy 'cloud'; choose default, mirrored, multiworker"),
    ({"fine_tune_blocks": 14}, "--fine-tune-blocks must be 0 to 13, not 14"),
    ({"fine_tune_blocks": 2, "cache_features": True}, "not both"),
    ({"finalize": True, "resume": False}, "--no-resume would delete that run"),
])
def test_a_setting_that_cannot_work_is_named(setting, message):
    with pytest.raises(ValueError, match=message):
        check_settings(config(**setting))


def test_a_finished_interrupted_run_can_be_finalized(tmp_path):
    run = config(out=tmp_path, finalize=True)
    run.work_dir.mkdir()
    (run.work_dir / "best.weights.h5").write_bytes(b"")
    check_settings(run)  # no error
    assert run.work_dir == tmp_path / ".run.run"
