"""The live-training loop: training, Stop at a known point, the background run, one training at a time, the result."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from core.training.live import networks, trainer
from core.training.live.progress import TrainingProgress
from harness.training_images import generated_images

TINY_CONFIG = networks.LiveConfig(architecture="tiny", image_size=32, epochs=2, batch_size=8, dropout=0.0)

#: 10 photos per class, 20% held out: 16 training photos, so 4 batches of 4 per epoch.
LONG_CONFIG = networks.LiveConfig(architecture="tiny", image_size=32, epochs=30, batch_size=4)


@pytest.fixture(scope="module")
def trained() -> trainer.LiveResult:
    """2 classes × 10 generated images, 2 epochs: the loop end to end, once for several tests."""
    progress = TrainingProgress(TINY_CONFIG.epochs)
    return trainer.train_live(TINY_CONFIG, generated_images(), progress=progress)


class StopRequestedAt(TrainingProgress):
    """What the page's Stop button does, at a moment a test can rely on: after a given batch or epoch."""

    def __init__(self, total_epochs: int, stop: threading.Event, *, batches: int | None = None,
                 epochs: int | None = None):
        super().__init__(total_epochs)
        self.stop, self.stop_after_batches, self.stop_after_epochs = stop, batches, epochs

    def batch_finished(self, batch_in_epoch: int) -> None:
        super().batch_finished(batch_in_epoch)
        if self.batches_done == self.stop_after_batches:
            self.stop.set()

    def epoch_finished(self, logs) -> None:
        super().epoch_finished(logs)
        if self.epochs_done == self.stop_after_epochs:
            self.stop.set()


def test_live_training_produces_a_history_and_an_evaluation(trained):
    assert trained.epochs_run == 2
    assert not trained.stopped_by_user and not trained.partial_last_epoch
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "seconds"):
        assert len(trained.history[key]) == 2, key
        assert all(np.isfinite(trained.history[key]))
    assert trained.train_counts == {"cats": 8, "dogs": 8}
    assert trained.holdout.counts() == {"cats": 2, "dogs": 2}
    evaluation = trained.evaluation
    assert evaluation.probabilities.shape == (4, 2)
    np.testing.assert_allclose(evaluation.probabilities.sum(axis=1), 1.0, atol=1e-6)
    assert evaluation.confusion_matrix.sum() == 4
    assert evaluation.binary is not None and evaluation.binary.count == 4
    assert set(evaluation.as_dict()) >= {"accuracy", "confusion_matrix", "class_names", "precision", "recall"}


def test_stop_ends_after_the_current_batch_and_keeps_the_weights():
    stop = threading.Event()
    progress = StopRequestedAt(LONG_CONFIG.epochs, stop, batches=3)
    gradients_before = trainer._custom_gradient_names()
    result = trainer.train_live(LONG_CONFIG, generated_images(per_class=10), progress=progress, stop_event=stop)
    # The traced step's custom gradients are unregistered, so its graph can be freed.
    assert {name for name in trainer._custom_gradient_names() - gradients_before
            if name.startswith("CustomGradient")} == set()
    assert result.stopped_by_user
    assert progress.batches_done == 3  # stopped inside epoch 1, after its third batch of four
    assert result.partial_last_epoch
    assert result.epochs_run == 1
    assert len(result.history["val_loss"]) == 1
    assert result.evaluation is not None
    assert result.outcome_sentence.startswith("You stopped it after 1 epoch (the last one cut short) in ")


def test_stop_pressed_at_the_end_of_an_epoch_trains_no_further():
    stop = threading.Event()
    progress = StopRequestedAt(LONG_CONFIG.epochs, stop, epochs=2)
    result = trainer.train_live(LONG_CONFIG, generated_images(per_class=10), progress=progress, stop_event=stop)
    assert result.stopped_by_user and not result.partial_last_epoch
    assert result.epochs_run == 2 and progress.batches_done == 8  # two whole epochs, not a batch more
    assert result.outcome_sentence.startswith("You stopped it after 2 epochs in ")


def test_background_run_stop_and_one_training_at_a_time(monkeypatch):
    # The training thread waits inside its first batch of epoch 2 until the test has pressed Stop.
    reached, release = threading.Event(), threading.Event()
    batch_finished = TrainingProgress.batch_finished

    def held_batch_finished(progress, batch_in_epoch):
        batch_finished(progress, batch_in_epoch)
        if progress.epochs_done == 1 and batch_in_epoch == 1:
            reached.set()
            release.wait(120)

    monkeypatch.setattr(TrainingProgress, "batch_finished", held_batch_finished)
    slot = trainer.TrainingSlot()
    run = slot.start(LONG_CONFIG, generated_images(per_class=10), owner="first")
    assert run is not None and slot.current is run
    assert slot.start(LONG_CONFIG, generated_images(per_class=10), owner="second") is None  # busy
    try:
        assert reached.wait(120), "the training never reached epoch 2"
        assert slot.busy_sentence().startswith("Someone else is training a network on this server right now "
                                               "(epoch 2 of 30).")
        snapshot = run.snapshot()
        assert snapshot.state == "running" and not snapshot.done and snapshot.epochs_done == 1
        run.stop()
    finally:
        release.set()
    assert run.wait(120)
    snapshot = run.snapshot()
    assert snapshot.state == "stopped" and snapshot.done and snapshot.fraction == 1.0
    assert snapshot.remaining_seconds == 0.0
    assert run.result.stopped_by_user and run.result.partial_last_epoch and run.result.epochs_run == 2
    assert not run.error
    assert slot.current is None  # the slot is free again
    assert slot.busy_sentence().startswith("Someone else is training a network on this server right now. ")
    with pytest.raises(ValueError, match="already been started"):
        run.start(generated_images())


def test_a_failing_run_reports_its_message_and_frees_the_slot():
    slot = trainer.TrainingSlot()
    one_class = generated_images(per_class=10, classes=("cats",))
    run = slot.start(networks.LiveConfig(architecture="tiny", image_size=32, epochs=1), one_class, owner="x")
    assert run.wait(60)
    assert run.result is None and "Only one class" in run.error
    assert run.snapshot().state == "failed" and run.snapshot().error == run.error
    assert slot.current is None


def test_wrong_image_size_is_refused():
    with pytest.raises(ValueError, match="expects 64×64"):
        trainer.train_live(networks.LiveConfig(image_size=64, epochs=1), generated_images(size=32))


def test_the_result_describes_itself(trained):
    import dataclasses

    assert trained.outcome_sentence.startswith("It finished after 2 epochs in ")
    assert trained.kept_epoch in (1, 2)
    last = dataclasses.replace(trained, kept_epoch=2)
    assert last.outcome_sentence.endswith("; the network keeps what it learned.")
    earlier = dataclasses.replace(trained, kept_epoch=1, feature_seconds=3.0)
    assert earlier.outcome_sentence.endswith("keeps the weights of epoch 1, where the validation loss was lowest "
                                             "(later epochs did not beat it).")
    assert "3 s of them for MobileNet to read the photos" in earlier.outcome_sentence
    assert trained.holdout_sentence.startswith("It got **")
    assert " of the 4 held-out photos** right (cats: 2, dogs: 2)" in trained.holdout_sentence
    assert len(trained.mistakes()) == len(trained.evaluation.wrong_indices)
    assert trained.file_stem == "live-tiny-32px"
    assert "RGB photos of 32×32 pixels" in trained.usage_note


def test_trying_a_photo_of_any_size(trained):
    photo = np.zeros((90, 60, 3), np.uint8)
    photo[..., 1] = 210  # green leaning, like the generated dogs
    tried = trained.try_photo(photo)
    assert tried.model_input.shape == (32, 32, 3)
    assert tried.input_caption == "what the network sees (32×32)"
    assert tried.prediction.class_names == ("cats", "dogs")
    assert sum(tried.prediction.probabilities) == pytest.approx(1.0)
    top = max(tried.prediction.probabilities)
    shown = "over 99%" if top >= 0.995 else f"{top * 100:.0f}%"
    assert tried.sentence.startswith(f"The model gives it {shown} {tried.prediction.label.removesuffix('s')}. ")
    assert "never calibrated" in tried.sentence
