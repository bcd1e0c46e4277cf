"""The ROC curve of a shipped model, scored on request on a sample of this machine's test photos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.figures import training as figures
from core.models import registry
from core.training import report
from core.training.metrics import roc_auc, roc_curve
from ui.components.charts import show_chart
from ui.resources import training as training_resources

#: {model name: photos to score}: the curves the learner asked for, kept across reruns.
ROC_KEY = "training_roc_requests"


@dataclass(frozen=True)
class RocSpec:
    """How many test photos to score, and whether the learner has asked for the curve."""

    count: int
    requested: int | None  # the count last asked for; None: not asked yet


def roc_controls(name: str, test_photos: int) -> RocSpec:
    requests = st.session_state.setdefault(ROC_KEY, {})
    fewest, most, default = report.roc_photo_choices(test_photos)
    count = st.number_input("Test photos to score (more is slower on a CPU)", fewest, most, default, step=20,
                            key=f"training_roc_count_{name}")
    if st.button("Draw the ROC curve", key=f"training_roc_button_{name}"):
        requests[name] = int(count)
    return RocSpec(int(count), requests.get(name))


def roc_unavailable(info: registry.ModelInfo, class_count: int, test_folder: Path) -> str | None:
    """Why the curve cannot be drawn here, or None when it can."""
    if class_count != 2:
        return "The ROC curve is drawn for two-class models."
    if not info.available:
        return f"The curve needs the model itself, which is unavailable here: {info.reason}"
    if not test_folder.is_dir():
        return f"The curve needs the test photos, which are not on this machine (looked in {test_folder})."
    return None


def show_roc(info: registry.ModelInfo, summary: report.ConfusionSummary, stored_auc: float | None,
             test_folder: Path) -> None:
    st.markdown("#### ROC curve")
    if stored_auc is not None:
        st.caption(report.roc_auc_sentence(stored_auc))
    reason = roc_unavailable(info, len(summary.class_names), test_folder)
    if reason is not None:
        st.caption(reason)
        return
    spec = roc_controls(info.name, summary.total)
    if spec.requested is None:
        return
    try:
        with st.spinner(f"Scoring {spec.requested} test photos…"):
            labels, scores = training_resources.cached_roc_scores(info.name, str(test_folder), spec.requested)
        false_positive_rate, true_positive_rate = roc_curve(labels, scores)
    except ValueError as error:
        st.error(f"The ROC curve cannot be drawn: {error}")
        return
    positive = summary.class_names[1]
    show_chart(figures.roc_figure(false_positive_rate, true_positive_rate, roc_auc(labels, scores), positive,
                                  title=f"ROC curve on {len(labels)} test photos"), key=f"roc_{info.name}")
    st.caption(report.roc_threshold_sentence(positive))
