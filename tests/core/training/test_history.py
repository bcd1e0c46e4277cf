"""Reading finished trainings: history.json files, the best epoch, the early-stopping point, the accuracy gap."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.training.history import (
    EarlyStop,
    TrainingHistory,
    accuracy_gap,
    best_epoch,
    early_stopping_point,
    history_from_dict,
    read_history,
    read_json_object,
)
from tests.core.training.samples import make_history


def test_read_history_from_a_file(tmp_path):
    raw = {"loss": [0.7, 0.5, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [0.6, 0.5, 0.55],
           "val_accuracy": [0.55, 0.7, 0.72], "seconds": [10, 11, 12], "learning_rate": [1e-3] * 3,
           "something_else": [1, 2, 3]}
    path = tmp_path / "history.json"
    path.write_text(json.dumps(raw))
    history = read_history(path)
    assert history.epochs == 3
    assert history.epoch_numbers == (1, 2, 3)
    assert history.val_loss == (0.6, 0.5, 0.55)
    assert history.total_seconds == 33
    assert history.has_validation
    assert best_epoch(history) == 2
    assert "something_else" not in history.as_dict()
    assert history.as_dict()["loss"] == [0.7, 0.5, 0.4]


@pytest.mark.parametrize("content, message", [
    ('{"accuracy": [0.5]}', "no 'loss'"),
    ('{"loss": [0.5, 0.4], "val_loss": [0.3]}', "has 1 values but 'loss' has 2"),
    ('{"loss": [0.5, "high"]}', "not a number"),
    ('{"loss": 0.5}', "must be a list"),
    ('[1, 2]', "JSON object"),
    ('{"loss": [0.5,', "not valid JSON"),
])
def test_bad_history_files_give_clear_messages(tmp_path, content, message):
    path = tmp_path / "history.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_history(path)


def test_missing_history_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_history(tmp_path / "nope.json")


def test_history_without_validation_has_no_best_epoch():
    history = history_from_dict({"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]})
    assert not history.has_validation
    assert best_epoch(history) is None
    assert accuracy_gap(history).size == 0


def test_best_epoch_ignores_a_diverged_epoch():
    history = history_from_dict({"loss": [1, 1, 1], "val_loss": [0.5, float("nan"), 0.4]})
    assert best_epoch(history) == 3


def test_early_stopping_point_from_card_and_from_history():
    history = make_history(epochs=20, best=14)
    stop = early_stopping_point(history, {"best_epoch": 14, "stopped_early": True, "epochs_requested": 40})
    assert stop == EarlyStop(last_epoch=20, restored_epoch=14, stopped_early=True, epochs_requested=40)
    assert stop.epochs_without_improvement == 6
    # No card: the best epoch comes from the numbers, and nothing says it stopped early.
    guessed = early_stopping_point(history)
    assert guessed.restored_epoch == 14 and not guessed.stopped_early
    # A card that asked for more epochs than were run implies an early stop.
    assert early_stopping_point(history, {"epochs_requested": 30}).stopped_early
    assert early_stopping_point(TrainingHistory(loss=())) is None
    by_hand = early_stopping_point(history, {"stopped_early": True, "stopped_by_hand": True})
    assert by_hand.by_hand and by_hand.stopped_early and not stop.by_hand


def test_accuracy_gap_per_epoch():
    history = make_history(epochs=10, gap=0.2)
    gap = accuracy_gap(history)
    assert gap.shape == (10,)
    assert gap[-1] == pytest.approx(0.2)
    assert np.all(np.diff(gap) > 0)


def test_read_json_object_is_forgiving(tmp_path):
    assert read_json_object(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{")
    assert read_json_object(tmp_path / "bad.json") == {}
    (tmp_path / "list.json").write_text("[1]")
    assert read_json_object(tmp_path / "list.json") == {}
    (tmp_path / "good.json").write_text('{"accuracy": 0.5}')
    assert read_json_object(tmp_path / "good.json") == {"accuracy": 0.5}
