"""A finished live training: its curves and readings, how it does on the held-out photos, and what to do next."""

from __future__ import annotations

import streamlit as st

from core.arithmetic.numbers import count_text
from core.figures import training as figures
from core.training import report
from core.training.history import history_from_dict
from core.training.live import trainer
from core.training.live.held_out import LiveEvaluation, curve_readings
from core.training.metrics import roc_auc, roc_curve
from ui.components.charts import show_chart
from ui.components.gallery import GalleryItem, gallery
from ui.training.curves import show_reading
from ui.training.take_away import show_take_away
from ui.training.try_photo import try_photo

#: Held-out mistakes shown at most (four rows of six).
MOST_MISTAKES = 24


def show_curves(result: trainer.LiveResult) -> None:
    show_chart(figures.live_figure(result.history, max(result.epochs_run, 1)), key="live_result_chart")
    try:
        history = history_from_dict(result.history)
    except ValueError:
        return  # a history Keras did not fill (no epoch finished): no reading to give
    found = curve_readings(history, len(result.class_names), result.kept_epoch, len(result.holdout))
    for column, reading in zip(st.columns(len(found)), found):
        with column:
            show_reading(reading)


def show_holdout_charts(evaluation: LiveEvaluation) -> None:
    """Counts on the left; on the right the ROC curve for two classes, else the shares of each class."""
    summary = report.confusion_summary(evaluation.as_dict())
    left, right = st.columns(2)
    with left:
        show_chart(figures.confusion_figure(summary.counts, summary.class_names, title="Counts"),
                   key="live_cm_counts")
    with right:
        if evaluation.has_both_classes:
            scores = evaluation.probabilities[:, 1]
            false_positive_rate, true_positive_rate = roc_curve(evaluation.labels, scores)
            show_chart(figures.roc_figure(false_positive_rate, true_positive_rate,
                                          roc_auc(evaluation.labels, scores), evaluation.class_names[1]),
                       key="live_roc")
        else:
            show_chart(figures.confusion_figure(summary.normalised, summary.class_names, normalised=True),
                       key="live_cm_norm")


def show_holdout(result: trainer.LiveResult) -> None:
    evaluation = result.evaluation
    if evaluation is None:
        return
    st.markdown("#### How well does it do on the held-out photos?")
    st.write(result.holdout_sentence)
    if len(result.class_names) == 2:
        sentences = report.metric_sentences(evaluation.as_dict(), photos="held-out photos")
        for sentence in (sentences.precision, sentences.recall, sentences.f1):
            st.markdown(f"- {sentence}")
    show_holdout_charts(evaluation)
    wrong = len(evaluation.wrong_indices)
    if wrong:
        with st.expander(f"The {count_text(wrong, 'held-out photo')} it got wrong"):
            gallery([GalleryItem(mistake.pixels, mistake.caption) for mistake in result.mistakes(MOST_MISTAKES)],
                    width=110)


def show_result(result: trainer.LiveResult) -> None:
    st.success(result.outcome_sentence, icon=":material/check_circle:")
    show_curves(result)
    show_holdout(result)
    try_photo(result)
    show_take_away(result)
