"""The Training page's figures: learning curves, comparisons, confusion matrices, ROC curves, the live chart."""

from __future__ import annotations

import numpy as np
import pytest

from core.figures import training as figures
from core.training import report
from core.training.history import early_stopping_point
from tests.core.training.samples import METRICS, make_history


def test_an_early_stop_by_hand_is_named_so():
    history = make_history(epochs=20, best=14)
    by_hand = early_stopping_point(history, {"stopped_early": True, "stopped_by_hand": True})
    figure = figures.history_figure(history, "loss", early_stop=by_hand)
    assert figure.layout.annotations[0].text == "stopped by hand; weights restored from epoch 14"


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


def test_live_figure_draws_what_the_history_holds():
    history = {"loss": (0.7, 0.5), "accuracy": (0.5, 0.75), "val_loss": (0.69, 0.6), "val_accuracy": (0.5, 0.625)}
    figure = figures.live_figure(history, total_epochs=10)
    assert [trace.name for trace in figure.data] == ["training", "validation", "training", "validation"]
    assert list(figure.data[0].y) == [0.7, 0.5] and list(figure.data[3].y) == [0.5, 0.625]
    assert list(figure.data[0].x) == [1, 2]
    assert figure.layout.xaxis.range == (0.5, 10.5)  # room for the epochs still to come
    # The loss axis stays put while the curves grow: 10% above the highest loss so far.
    assert figure.layout.yaxis.range == pytest.approx((0, 0.77))
    empty = figures.live_figure({}, total_epochs=3)
    assert all(len(trace.y) == 0 for trace in empty.data)
    assert empty.layout.yaxis.range == pytest.approx((0, 1.1))
