"""A live training's progress: the shared record, its snapshots and what they say."""

from __future__ import annotations

import pytest

from core.training.live.progress import ProgressSnapshot, TrainingProgress


def snapshot(**changes) -> ProgressSnapshot:
    values = dict(state="running", epochs_done=2, total_epochs=8, batch=4, batches_per_epoch=10, history={},
                  elapsed_seconds=75.0, remaining_seconds=None)
    values.update(changes)
    return ProgressSnapshot(**values)


def test_progress_snapshot_fraction_and_estimate():
    progress = TrainingProgress(total_epochs=4)
    assert progress.snapshot().state == "starting" and progress.snapshot().fraction == 0.0
    progress.begin(batches_per_epoch=5)
    for batch in range(1, 6):
        progress.batch_finished(batch)
    progress.epoch_finished({"loss": 0.5, "accuracy": 0.7})
    progress.batch_finished(1)
    current = progress.snapshot()
    assert current.epochs_done == 1 and current.batch == 1
    assert current.fraction == pytest.approx(6 / 20)
    assert current.remaining_seconds is not None and current.remaining_seconds >= 0
    assert current.history == {"loss": (0.5,), "accuracy": (0.7,)}
    progress.end("finished")
    assert progress.snapshot().fraction == 1.0
    assert progress.snapshot().remaining_seconds == 0.0 and progress.snapshot().done


@pytest.mark.parametrize("changes, label", [
    ({"state": "starting", "epochs_done": 0, "batch": 0}, "Building the network…"),
    ({"epochs_done": 0, "batch": 0},
     "Preparing the first batch (TensorFlow turns the network into a computation graph once)…"),
    ({}, "Epoch 3 of 8, batch 4 of 10"),
    ({"batch": 0}, "Epoch 3 of 8 starting"),
    # After the last epoch, before the run is collected: never "epoch 9 of 8".
    ({"epochs_done": 8, "batch": 0}, "Epoch 8 of 8 starting"),
])
def test_the_progress_label_says_what_the_training_is_doing(changes, label):
    assert snapshot(**changes).label() == label


def test_the_label_says_when_stop_was_pressed():
    assert snapshot().label(stopping=True) == "Epoch 3 of 8, batch 4 of 10 — stopping after this batch…"


def test_the_numbers_under_the_bar():
    current = snapshot(remaining_seconds=185.0)
    assert current.epochs_text == "2 / 8"
    assert current.elapsed_text == "1 min 15 s"
    assert current.remaining_text == "3 min 05 s"
    assert snapshot(remaining_seconds=None).remaining_text == "…"  # no batch timed yet
    assert snapshot(elapsed_seconds=0.2).elapsed_text == "0 s"
    assert snapshot(epochs_done=8).current_epoch == 8


def test_a_stage_before_the_first_batch_is_shown():
    from core.training.live.progress import TrainingProgress

    progress = TrainingProgress(5)
    progress.set_stage("MobileNet reads the photos: 64 of 1200 new ones")
    assert progress.snapshot().label() == "MobileNet reads the photos: 64 of 1200 new ones"
