"""core/training/remeasure.py: re-measuring a model folder on a data set rewrites its metrics and card."""

import json
from pathlib import Path

import pytest

from core.training import remeasure
from tests.support.training_runs import make_split_data, run_tiny


@pytest.fixture(scope="module")

def split_data(tmp_path_factory) -> Path:
    return make_split_data(tmp_path_factory.mktemp("data"))



def test_evaluate_command_remeasures_a_model_folder(split_data, tmp_path, capsys):
    folder = run_tiny(split_data, tmp_path, name="moved")
    measured = json.loads((folder / "metrics.json").read_text())
    card = json.loads((folder / "model.json").read_text())
    card["test_accuracy"] = 0.123
    (folder / "model.json").write_text(json.dumps(card))
    (folder / "metrics.json").write_text(json.dumps({"accuracy": 0.123}))
    assert remeasure.main([str(folder), "--data", str(split_data)]) == 0
    assert f"test accuracy {measured['accuracy']:.4f} on 10 photos" in capsys.readouterr().out
    again = json.loads((folder / "metrics.json").read_text())
    assert again["accuracy"] == measured["accuracy"] and again["confusion_matrix"] == measured["confusion_matrix"]
    card = json.loads((folder / "model.json").read_text())
    assert card["test_accuracy"] == measured["accuracy"] and card["dataset_counts"]["test"] == {"cats": 5, "dogs": 5}
    assert remeasure.main([str(folder), "--data", str(tmp_path / "nowhere")]) == 2
    assert "test" in capsys.readouterr().err
