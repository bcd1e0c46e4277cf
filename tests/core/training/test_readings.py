"""Plain-language readings of training curves, on synthetic histories: clear cases both ways, and edge cases."""

from __future__ import annotations

import pytest

from core.training import readings
from core.training.history import EarlyStop, history_from_dict
from tests.core.training.samples import make_history


def test_history_without_validation_cannot_show_overfitting():
    history = history_from_dict({"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]})
    assert readings.loss_reading(history).verdict == "no_validation"
    assert readings.accuracy_reading(history).verdict == "no_validation"


def test_rising_validation_loss_reads_as_memorising():
    reading = readings.loss_reading(make_history(epochs=20, best=14))
    assert reading.verdict == "memorising"
    assert reading.is_warning
    assert reading.best_epoch == 14 and reading.epochs_since_best == 6
    assert "Validation loss has risen for 6 epochs since epoch 14" in reading.sentence
    assert "memorising the training photos" in reading.sentence


def test_falling_validation_loss_reads_as_still_learning():
    history = make_history(epochs=12, best=12)
    reading = readings.loss_reading(history)
    assert reading.verdict == "still_learning"
    assert not reading.is_warning
    assert "still falling at epoch 12" in reading.sentence


def test_flat_validation_loss_reads_as_levelled_off_not_memorising():
    reading = readings.loss_reading(make_history(epochs=20, best=14, rise=0.0005))
    assert reading.verdict == "levelled_off"
    assert "lowest at epoch 14" in reading.sentence and "6 epochs" in reading.sentence


@pytest.mark.parametrize("epochs_after_best", [1, 2])
def test_one_or_two_epochs_without_improvement_is_not_called_stopped(epochs_after_best):
    history = make_history(epochs=10 + epochs_after_best, best=10, rise=0.0005)
    reading = readings.loss_reading(history)
    assert reading.verdict == "recent_best"
    assert "stopped getting better" not in reading.sentence.split("only after")[0]
    assert "3 in a row" in reading.sentence and "patience" in reading.sentence
    # The same numbers with the patience reached read as levelled off.
    assert readings.loss_reading(make_history(epochs=13, best=10, rise=0.0005)).verdict == "levelled_off"


def test_patience_must_be_positive():
    with pytest.raises(ValueError, match="patience"):
        readings.loss_reading(make_history(), patience=0)


def test_one_epoch_is_too_short():
    assert readings.loss_reading(history_from_dict({"loss": [0.5], "val_loss": [0.6]})).verdict == "too_short"


def test_large_accuracy_gap_reads_as_overfitting():
    reading = readings.accuracy_reading(make_history(gap=0.2))
    assert reading.verdict == "overfitting"
    assert reading.gap == pytest.approx(0.2)
    assert "20 percentage points apart" in reading.sentence


def test_small_accuracy_gap_reads_as_close_while_still_learning():
    reading = readings.accuracy_reading(make_history(epochs=20, best=20, gap=0.01))
    assert reading.verdict == "close"
    assert not reading.is_warning
    assert "within 1 percentage points" in reading.sentence
    level = readings.accuracy_reading(make_history(epochs=20, best=20, gap=0.001))
    assert level.verdict == "close" and "end level (90%)" in level.sentence


def test_memorising_loss_and_level_accuracy_give_one_verdict():
    # Contradictory-looking signals: accuracy level, validation loss rising. The readings must agree.
    history = make_history(epochs=20, best=14, gap=0.01)
    loss = readings.loss_reading(history)
    accuracy = readings.accuracy_reading(history)
    assert loss.verdict == "memorising"
    assert accuracy.verdict == "overfitting" and accuracy.is_warning
    assert "about as well" not in accuracy.sentence
    assert "validation loss has been rising since epoch 14" in accuracy.sentence
    # Validation above training, yet memorising: no "that is no problem" beside it.
    higher = readings.accuracy_reading(make_history(epochs=20, best=14, gap=-0.05))
    assert "no problem" not in higher.sentence and higher.is_warning


def test_readings_describe_the_kept_epoch_not_the_last():
    history = make_history(epochs=20, best=14, gap=0.2)
    # At epoch 14 the gap was 0.2 × 14 / 20 = 0.14, not the last epoch's 0.2.
    reading = readings.accuracy_reading(history, kept_epoch=14)
    assert "At epoch 14, whose weights were kept" in reading.sentence
    assert "14 percentage points apart" in reading.sentence
    loss = readings.loss_reading(history, kept_epoch=14)
    assert "rose for 6 epochs" in loss.sentence and "was starting to memorise" in loss.sentence
    assert "weights of epoch 14 were kept" in loss.sentence
    # A kept model whose accuracy was level: "about as well" describes the kept weights, which is true.
    close = readings.accuracy_reading(make_history(epochs=20, best=14, gap=0.01), kept_epoch=14)
    assert close.verdict == "close" and "whose weights were kept" in close.sentence
    with pytest.raises(ValueError, match="kept epoch"):
        readings.accuracy_reading(history, kept_epoch=21)


def test_validation_above_training_is_explained():
    reading = readings.accuracy_reading(make_history(epochs=20, best=20, gap=-0.05))
    assert reading.verdict == "validation_higher"
    assert "averaged over an epoch" in reading.sentence and "augmentation or dropout" in reading.sentence


def test_chance_level_accuracy_reads_as_underfitting():
    history = history_from_dict({"loss": [0.69, 0.69], "accuracy": [0.5, 0.52],
                                 "val_loss": [0.69, 0.69], "val_accuracy": [0.5, 0.51]})
    reading = readings.accuracy_reading(history)
    assert reading.verdict == "underfitting" and reading.is_warning
    # With ten classes, 52% is far above guessing (10%).
    assert readings.accuracy_reading(history, num_classes=10).verdict != "underfitting"


def test_the_kept_epoch_sentence_says_validation_is_slightly_optimistic():
    history = history_from_dict({"loss": [0.5, 0.3, 0.2, 0.1], "accuracy": [0.8, 0.9, 0.95, 0.99],
                                 "val_loss": [0.4, 0.2, 0.25, 0.3], "val_accuracy": [0.85, 0.997, 0.96, 0.95]})
    stop = EarlyStop(last_epoch=4, restored_epoch=2, stopped_early=True, epochs_requested=10)
    sentence = readings.kept_epoch_sentence(history, stop, test_accuracy=0.967)
    assert "ran 2 more epochs after epoch 2" in sentence and "weights of epoch 2 were restored" in sentence
    assert "(99.7%) is slightly optimistic" in sentence and "100%" not in sentence
    assert "fair number: 96.7%" in sentence
    last = EarlyStop(last_epoch=4, restored_epoch=4, stopped_early=False, epochs_requested=4)
    assert "the last and the lowest" in readings.kept_epoch_sentence(history, last)
    assert readings.kept_epoch_sentence(history, None) == ""
