"""Compare models: one curve per model, and a table of their test numbers."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.figures import training as figures
from core.models import registry
from core.training import report
from core.training.history import TrainingHistory
from ui.components.charts import show_chart
from ui.resources import training as training_resources


@dataclass(frozen=True)
class ComparisonSpec:
    """Which models to draw, and which curve."""

    model_names: tuple[str, ...]
    metric: str  # a key of report.COMPARE_METRICS


def comparison_controls(names: list[str], titles: dict[str, str]) -> ComparisonSpec:
    chosen = st.multiselect("Models", names, default=names, format_func=lambda name: titles[name],
                            key="training_compare_models")
    metric = st.radio("Curve", list(report.COMPARE_METRICS), format_func=report.COMPARE_METRICS.get,
                      horizontal=True, key="training_compare_metric")
    return ComparisonSpec(tuple(chosen), metric)


def show_comparison_table(infos: list[registry.ModelInfo], histories: dict[str, TrainingHistory]) -> None:
    rows = [report.comparison_row(info.name, info.title, info.card, training_resources.model_metrics(info),
                                  histories.get(info.name)) for info in infos]
    table = report.comparison_table(rows)
    # A static table wraps its cells to the page's width; the interactive grid cut columns off on a projector.
    styled = table.style.format({"parameters": "{:,.0f}", "ROC AUC": "{:.3f}",
                                 **{column: "{:.1f}%" for column in report.PERCENT_COLUMNS}}, na_rep="—")
    st.table(styled, hide_index=True)
    st.caption(report.machines_sentence(rows))


def show_comparison(infos: list[registry.ModelInfo]) -> None:
    histories = {info.name: training_resources.model_history(info) for info in infos}
    # Only readable histories can be drawn; every model can still be chosen for the table.
    histories = {name: history for name, history in histories.items() if isinstance(history, TrainingHistory)}
    titles = {info.name: info.title for info in infos}
    spec = comparison_controls(list(titles), titles)
    drawn = [name for name in spec.model_names if name in histories]
    if drawn:
        figure = figures.comparison_figure({name: histories[name] for name in drawn}, spec.metric, titles)
        show_chart(figure, key="compare_chart")
    for name in spec.model_names:
        if name not in histories:
            st.caption(f"{titles[name]} has no training history to draw, so it has no curve; its row is below.")
    if not spec.model_names:
        st.caption("Pick at least one model to draw its curve and list its test numbers.")
        return
    # The table lists the chosen models only, in the order they were chosen.
    by_name = {info.name: info for info in infos}
    show_comparison_table([by_name[name] for name in spec.model_names], histories)
    st.caption("Test numbers come from photos no model saw during training. More parameters or more epochs do "
               "not guarantee a better model: compare the test accuracy with the training time.")
