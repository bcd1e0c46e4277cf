"""Reading histories and metrics, the overfitting readings, and the Training page's figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.figures import training as figures
from core.training import readings, report
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


def make_history(epochs: int = 20, best: int = 14, rise: float = 0.02, gap: float = 0.15) -> TrainingHistory:
    """Training loss keeps falling; validation loss bottoms out at ``best`` then rises by ``rise`` per epoch."""
    axis = np.arange(1, epochs + 1)
    loss = 0.7 * np.exp(-axis / 6)
    val_loss = np.where(axis <= best, 0.7 - 0.3 * axis / best, 0.4 + rise * (axis - best))
    accuracy = np.minimum(0.5 + 0.03 * axis, 0.9)
    val_accuracy = accuracy - gap * axis / epochs
    return TrainingHistory(tuple(loss), tuple(accuracy), tuple(val_loss), tuple(val_accuracy),
                                tuple([12.5] * epochs), tuple([1e-3] * epochs))


# ----------------------------------------------------------------------------
# Reading histories
# ----------------------------------------------------------------------------


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
    assert readings.loss_reading(history).verdict == "no_validation"
    assert readings.accuracy_reading(history).verdict == "no_validation"
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
    figure = figures.history_figure(history, "loss", early_stop=by_hand)
    assert figure.layout.annotations[0].text == "stopped by hand; weights restored from epoch 14"


def test_accuracy_gap_per_epoch():
    history = make_history(epochs=10, gap=0.2)
    gap = accuracy_gap(history)
    assert gap.shape == (10,)
    assert gap[-1] == pytest.approx(0.2)
    assert np.all(np.diff(gap) > 0)


# ----------------------------------------------------------------------------
# Readings on synthetic histories, clear cases both ways
# ----------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------
# Metrics tables and explanations
# ----------------------------------------------------------------------------

METRICS = {
    "accuracy": 0.9, "precision": 0.8888888888888888, "recall": 0.8, "f1": 0.8421052631578948, "roc_auc": 0.95,
    "confusion_matrix": [[50, 5], [10, 40]], "count": 105, "class_names": ["cats", "dogs"],
    "wrong": [
        {"file": "cats/cat_1.jpg", "true": "cats", "predicted": "dogs", "probabilities": [0.4, 0.6]},
        {"file": "dogs/dog_2.jpg", "true": "dogs", "predicted": "cats", "probabilities": [0.95, 0.05]},
        {"file": "dogs/missing.jpg", "true": "dogs", "predicted": "cats", "probabilities": [0.9, 0.1]},
        {"file": "../outside.jpg", "true": "dogs", "predicted": "cats", "probabilities": [0.9, 0.1]},
    ],
}
CARD = {"parameters": 3453121, "epochs_run": 20, "training_seconds": 3725.2, "machine": "x86_64 CPU x2"}


def test_comparison_row_gathers_card_metrics_and_history():
    row = report.comparison_row("classic", "Classic CNN", CARD, METRICS)
    assert row.parameters == 3453121 and row.epochs == 20
    assert row.test_accuracy == 0.9 and row.roc_auc == 0.95 and row.f1 == pytest.approx(0.842, abs=1e-3)
    table = row.as_dict()
    assert table["training time"] == "1 h 02 min"
    assert list(table)[:5] == ["model", "parameters", "epochs", "training time", "test accuracy"]


def test_comparison_row_falls_back_on_the_history_and_tolerates_gaps():
    history = make_history(epochs=7)
    row = report.comparison_row("mystery", "Mystery", {"test_accuracy": 0.6, "parameters": "many"},
                              {"roc_auc": float("nan")}, history)
    assert row.epochs == 7 and row.training_seconds == pytest.approx(87.5)
    assert row.test_accuracy == 0.6
    assert row.parameters is None and row.roc_auc is None and row.precision is None


@pytest.mark.parametrize("seconds, text", [(None, ""), (-1, ""), (12.4, "12 s"), (185, "3 min 05 s"),
                                           (3725, "1 h 02 min")])
def test_format_duration(seconds, text):
    assert report.format_duration(seconds) == text


def test_confusion_summary_counts_and_normalised_rows():
    summary = report.confusion_summary(METRICS)
    assert summary.class_names == ("cats", "dogs")
    assert summary.total == 105 and summary.correct == 90
    np.testing.assert_allclose(summary.normalised, [[50 / 55, 5 / 55], [0.2, 0.8]])
    np.testing.assert_allclose(report.normalise_rows(np.array([[0, 0], [1, 3]])), [[0, 0], [0.25, 0.75]])


@pytest.mark.parametrize("metrics, message", [
    ({}, "no confusion matrix"),
    ({"confusion_matrix": [[1, 2, 3], [4, 5, 6]]}, "square"),
    ({"confusion_matrix": [[1, -2], [3, 4]]}, "negative"),
    ({"confusion_matrix": [[1, 2], [3, 4]], "class_names": ["a", "b", "c"]}, "3 class names"),
])
def test_bad_confusion_matrices(metrics, message):
    with pytest.raises(ValueError, match=message):
        report.confusion_summary(metrics)


def test_metric_sentences_use_this_models_numbers():
    sentences = report.metric_sentences(METRICS)
    assert "Accuracy 85.7%" in sentences.accuracy and "90 of the 105" in sentences.accuracy
    # 45 photos called dogs, 40 of them dogs: precision 88.9%, matching metrics.json.
    assert "Precision 88.9%" in sentences.precision
    assert "of the 45 photos the model called dogs, 40 really were dogs" in sentences.precision
    assert "Recall 80.0%" in sentences.recall and "of the 50 real dogs among the test photos" in sentences.recall
    assert "among the held-out photos" in report.metric_sentences(METRICS, photos="held-out photos").recall
    assert "missed 10" in sentences.recall
    assert "F1 84.2%" in sentences.f1 and "harmonic mean" in sentences.f1


def test_metric_sentences_need_two_classes():
    with pytest.raises(ValueError, match="two-class"):
        report.metric_sentences({"confusion_matrix": np.eye(3, dtype=int).tolist()})


def test_wrong_photos_found_locally_most_confident_first(tmp_path):
    for relative in ("cats/cat_1.jpg", "dogs/dog_2.jpg"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(b"jpeg")
    (tmp_path.parent / "outside.jpg").write_bytes(b"jpeg")
    wrong = report.wrong_photos(METRICS, tmp_path)
    # The missing file and the one outside the test folder are left out.
    assert [photo.file for photo in wrong] == ["dogs/dog_2.jpg", "cats/cat_1.jpg"]
    assert wrong[0].confidence == 0.95 and wrong[0].true_class == "dogs" and wrong[0].predicted_class == "cats"
    assert report.wrong_photos(METRICS, tmp_path / "absent") == []
    assert report.wrong_photos(METRICS, None) == []


def test_read_json_object_is_forgiving(tmp_path):
    assert read_json_object(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{")
    assert read_json_object(tmp_path / "bad.json") == {}
    (tmp_path / "list.json").write_text("[1]")
    assert read_json_object(tmp_path / "list.json") == {}
    (tmp_path / "good.json").write_text('{"accuracy": 0.5}')
    assert read_json_object(tmp_path / "good.json") == {"accuracy": 0.5}


# ----------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------


def test_history_figure_marks_best_epoch_gap_and_early_stop():
    history = make_history(epochs=20, best=14)
    stop = early_stopping_point(history, {"best_epoch": 14, "stopped_early": True})
    figure = figures.history_figure(history, "loss", early_stop=stop)
    names = [trace.name for trace in figure.data]
    assert names == ["training loss", "validation loss", "best epoch (14)"]
    assert figure.data[1].fill == "tonexty"  # the shaded gap
    assert figure.data[1].line.dash == "dash"  # told apart without colour
    assert figure.data[2].x == (14,) and figure.data[2].y[0] == pytest.approx(history.val_loss[13])
    assert figure.layout.shapes[0].x0 == 20
    assert "weights restored from epoch 14" in figure.layout.annotations[0].text
    accuracy = figures.history_figure(history, "accuracy")
    assert accuracy.layout.yaxis.tickformat == ".1~%"
    assert not accuracy.layout.shapes  # no early stop given
    with pytest.raises(ValueError):
        figures.history_figure(history, "precision")


def test_comparison_and_evaluation_figures():
    histories = {"baseline": make_history(epochs=10), "classic": make_history(epochs=15)}
    figure = figures.comparison_figure(histories, "val_accuracy", {"classic": "Classic CNN"})
    assert [trace.name for trace in figure.data] == ["baseline", "Classic CNN"]
    assert len(figure.data[1].x) == 15
    assert figure.data[0].line.dash != figure.data[1].line.dash
    summary = report.confusion_summary(METRICS)
    counts = figures.confusion_figure(summary.counts, summary.class_names)
    assert counts.data[0].text[1][0] == "10"
    normalised = figures.confusion_figure(summary.normalised, summary.class_names, normalised=True)
    assert normalised.data[0].text[1][1] == "80.0%"
    roc = figures.roc_figure(np.array([0, 0.1, 1]), np.array([0, 0.8, 1]), 0.85)
    assert "AUC 0.850" in roc.data[1].name
