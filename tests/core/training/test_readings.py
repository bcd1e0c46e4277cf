"""Plain-language readings of training curves, on synthetic histories: clear cases both ways."""

from __future__ import annotations

import pytest

from core.training import readings
from core.training.history import history_from_dict
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


def test_one_epoch_is_too_short():
    assert readings.loss_reading(history_from_dict({"loss": [0.5], "val_loss": [0.6]})).verdict == "too_short"


def test_large_accuracy_gap_reads_as_overfitting():
    reading = readings.accuracy_reading(make_history(gap=0.2))
    assert reading.verdict == "overfitting"
    assert reading.gap == pytest.approx(0.2)
    assert "20 percentage points above validation" in reading.sentence


def test_small_accuracy_gap_reads_as_close():
    reading = readings.accuracy_reading(make_history(gap=0.01))
    assert reading.verdict == "close"
    assert not reading.is_warning
    assert "within 1 percentage points" in reading.sentence
    level = readings.accuracy_reading(make_history(gap=0.001))
    assert level.verdict == "close" and "end level (90%)" in level.sentence


def test_validation_above_training_is_explained():
    reading = readings.accuracy_reading(make_history(gap=-0.05))
    assert reading.verdict == "validation_higher"
    assert "averaged over an epoch" in reading.sentence and "augmentation or dropout" in reading.sentence


def test_chance_level_accuracy_reads_as_underfitting():
    history = history_from_dict({"loss": [0.69, 0.69], "accuracy": [0.5, 0.52],
                                      "val_loss": [0.69, 0.69], "val_accuracy": [0.5, 0.51]})
    reading = readings.accuracy_reading(history)
    assert reading.verdict == "underfitting" and reading.is_warning
    # With ten classes, 52% is far above guessing (10%).
    assert readings.accuracy_reading(history, num_classes=10).verdict == "close"
