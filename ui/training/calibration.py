"""Calibration: a shipped model's percentages against how often it was right, before and after temperature scaling."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.figures.calibration import reliability_figure
from core.models import registry
from core.prediction.calibration import Calibration
from core.prediction.photo_answer import calibration_report
from core.wording.percent import percentage_points
from ui.components.charts import show_chart

#: What calibration means, for any model: the diagram and the sentence below it give this model's numbers.
MEANING = ("A model's percentages are **calibrated** when they match how often it is right: of the photos it "
           "gives 90%, about 90 in 100 are right.")

HOW_TO_READ = ("Each point is one band of scores on the test photos: across, the average percentage the model gave "
               "them; up, the share it got right. Points below the dotted diagonal are over-confident, points above "
               "it under-confident; bigger points hold more photos.")


@dataclass(frozen=True)
class CalibrationSpec:
    """Which shipped model's calibration to show."""

    model_name: str


def calibration_controls(names: list[str], titles: dict[str, str]) -> CalibrationSpec:
    name = st.selectbox("Model", names, format_func=lambda name: titles[name], key="training_calibration_model")
    return CalibrationSpec(name)


def show_calibration(infos: list[registry.ModelInfo]) -> None:
    """The reliability diagram and the expected calibration error before and after, from the chosen model's card."""
    reports: dict[str, Calibration] = {}
    for info in infos:
        fitted = calibration_report(info)
        if fitted is not None:
            reports[info.name] = fitted
    if not reports:
        st.info("No shipped model has a calibration on its card yet: fit one with `python -m core.trust.fit`.")
        return
    spec = calibration_controls(list(reports), {info.name: info.title for info in infos})
    fitted = reports[spec.model_name]
    st.markdown(f"{MEANING} {fitted.sentence}")
    before, after = st.columns(2)
    before.metric("Expected calibration error, before", f"{percentage_points(fitted.ece_before)} points")
    change = percentage_points(fitted.ece_after - fitted.ece_before, signed=True)
    after.metric("After temperature scaling", f"{percentage_points(fitted.ece_after)} points",
                 delta=f"{change} points", delta_color="inverse")
    if fitted.ece_after > fitted.ece_before:
        st.caption("Here the test photos' error is larger after scaling: T was chosen on the validation photos, "
                   "and on these test photos it did not help.")
    show_chart(reliability_figure(fitted.before, fitted.after), key=f"reliability_{spec.model_name}")
    st.caption(HOW_TO_READ)
