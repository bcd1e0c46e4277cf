"""Plotly figures for the Training page (no Streamlit here).

Training and validation are told apart by colour *and* line style (solid vs
dashed), so the charts read in grayscale and for colour-blind viewers; the
colours are the Okabe-Ito blue and orange. Colour scales are Cividis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.training.history import EarlyStop, TrainingHistory, best_epoch
from core.wording.percent import share_percent

TRAINING_COLOUR = "#0072B2"

VALIDATION_COLOUR = "#D55E00"

GAP_FILL = "rgba(213, 94, 0, 0.15)"

MARK_COLOUR = "#333333"

#: Okabe-Ito colours for several models on one chart, paired with dash styles.
MODEL_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

MODEL_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")

MODEL_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")

LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0.0, traceorder="normal")

METRIC_LABELS = {"loss": "Loss (binary cross-entropy)", "accuracy": "Accuracy"}


def _layout(figure: go.Figure, title: str, y_title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        title=title, height=height, margin=dict(l=10, r=10, t=50, b=10),
        # Below the plot, where Plotly's toolbar (top right) cannot cover it.
        legend=LEGEND_BELOW, hovermode="x unified",
    )
    figure.update_xaxes(title="epoch")
    figure.update_yaxes(title=y_title)
    return figure


def _value_format(metric: str) -> str:
    return ".1%" if "accuracy" in metric else ".4f"


def history_figure(history: TrainingHistory, metric: str = "accuracy", *, title: str = "",
                   early_stop: EarlyStop | None = None, shade_gap: bool = True,
                   total_epochs: int | None = None, height: int = 360) -> go.Figure:
    """Training vs validation ``metric`` ("loss" or "accuracy") per epoch.

    The best epoch (lowest validation loss) gets a star; where early stopping
    ended the run gets a vertical line; the gap between the two curves is shaded.
    """
    if metric not in METRIC_LABELS:
        raise ValueError(f"metric must be 'loss' or 'accuracy', got {metric!r}.")
    training = np.asarray(history.series(metric), dtype=float)
    validation = np.asarray(history.series(f"val_{metric}"), dtype=float)
    epochs = np.asarray(history.epoch_numbers)
    fmt = _value_format(metric)
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=epochs, y=training, name=f"training {metric}", mode="lines+markers",
        line=dict(color=TRAINING_COLOUR, width=2.5), marker=dict(size=6, symbol="circle"),
        hovertemplate=f"training: %{{y:{fmt}}}<extra></extra>",
    ))
    if len(validation) == len(epochs) and len(epochs):
        figure.add_trace(go.Scatter(
            x=epochs, y=validation, name=f"validation {metric}", mode="lines+markers",
            line=dict(color=VALIDATION_COLOUR, width=2.5, dash="dash"), marker=dict(size=6, symbol="square"),
            # Fill to the training curve: the shaded band is the generalisation gap.
            fill="tonexty" if shade_gap else None, fillcolor=GAP_FILL,
            hovertemplate=f"validation: %{{y:{fmt}}}<extra></extra>",
        ))
        best = best_epoch(history)
        if best is not None:
            figure.add_trace(go.Scatter(
                x=[best], y=[validation[best - 1]], mode="markers", name=f"best epoch ({best})",
                marker=dict(symbol="star", size=16, color=MARK_COLOUR, line=dict(color="white", width=1)),
                hovertemplate=f"best epoch {best}: lowest validation loss<extra></extra>",
            ))
    if early_stop is not None and early_stop.stopped_early:
        figure.add_vline(x=early_stop.last_epoch, line=dict(color=MARK_COLOUR, dash="dot", width=1.5))
        restored = f"; weights restored from epoch {early_stop.restored_epoch}" if early_stop.restored_epoch else ""
        reason = "stopped by hand" if early_stop.by_hand else "early stop"
        figure.add_annotation(x=early_stop.last_epoch, y=1.0, yref="paper", text=f"{reason}{restored}",
                              showarrow=False, xanchor="right", yanchor="top", font=dict(size=11))
    _layout(figure, title or METRIC_LABELS[metric], METRIC_LABELS[metric], height)
    # Epochs count from 1: no empty epoch 0 at the left.
    figure.update_xaxes(range=[0.5, (total_epochs or history.epochs) + 0.5])
    if metric == "accuracy":
        figure.update_yaxes(tickformat=".1~%")
    return figure


def comparison_figure(histories: Mapping[str, TrainingHistory], metric: str = "val_accuracy",
                      titles: Mapping[str, str] | None = None, height: int = 420) -> go.Figure:
    """One curve per model for ``metric`` (e.g. "val_accuracy", "val_loss", "accuracy")."""
    titles = titles or {}
    fmt = _value_format(metric)
    figure = go.Figure()
    for index, (name, history) in enumerate(histories.items()):
        values = history.series(metric)
        if not values:
            continue
        figure.add_trace(go.Scatter(
            x=history.epoch_numbers, y=values, name=titles.get(name, name), mode="lines+markers",
            line=dict(color=MODEL_COLOURS[index % len(MODEL_COLOURS)], dash=MODEL_DASHES[index % len(MODEL_DASHES)],
                      width=2.5),
            marker=dict(symbol=MODEL_SYMBOLS[index % len(MODEL_SYMBOLS)], size=7),
            hovertemplate=f"{name}: %{{y:{fmt}}}<extra></extra>",
        ))
    label = metric.replace("val_", "validation ").replace("_", " ")
    _layout(figure, f"{label.capitalize()} per epoch", label, height)
    longest = max((history.epochs for history in histories.values()), default=1)
    figure.update_xaxes(range=[0.5, longest + 0.5])
    if "accuracy" in metric:
        figure.update_yaxes(tickformat=".1~%")
    return figure


def confusion_figure(matrix: np.ndarray, class_names: Sequence[str], *, normalised: bool = False,
                     title: str = "") -> go.Figure:
    """A confusion-matrix heat map: rows are the true class, columns the model's answer."""
    matrix = np.asarray(matrix, dtype=float)
    text = [[share_percent(value, 1) if normalised else f"{int(value):,}" for value in row] for row in matrix]
    names = [str(name) for name in class_names]
    figure = go.Figure(go.Heatmap(
        z=matrix, x=[f"said {name}" for name in names], y=[f"really {name}" for name in names],
        colorscale="Cividis", text=text, texttemplate="%{text}", textfont=dict(size=16),
        zmin=0, zmax=1 if normalised else None, showscale=False,
        hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
    ))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(title=title or ("Share of each true class" if normalised else "Counts"), height=320,
                         margin=dict(l=10, r=10, t=50, b=10))
    return figure


def roc_figure(false_positive_rate: np.ndarray, true_positive_rate: np.ndarray, auc: float,
               positive_class: str = "dogs", title: str = "") -> go.Figure:
    """The ROC curve with the chance diagonal."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="guessing (AUC 0.5)",
                                line=dict(color="#999999", dash="dot"), hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=false_positive_rate, y=true_positive_rate, mode="lines", name=f"model (AUC {auc:.3f})",
        line=dict(color=TRAINING_COLOUR, width=3), fill="tozeroy", fillcolor="rgba(0, 114, 178, 0.12)",
        hovertemplate="false alarms %{x:.1%}<br>found %{y:.1%}<extra></extra>",
    ))
    figure.update_layout(title=title or "ROC curve", height=380, margin=dict(l=10, r=10, t=50, b=10),
                         legend=dict(x=0.98, y=0.02, xanchor="right", yanchor="bottom"))
    figure.update_xaxes(title=f"false positive rate (other photos called {positive_class})", range=[0, 1.02],
                        tickformat=".1~%")
    figure.update_yaxes(title=f"true positive rate ({positive_class} found)", range=[0, 1.02], tickformat=".1~%")
    return figure


def live_figure(history: Mapping[str, Sequence[float]], total_epochs: int, height: int = 340) -> go.Figure:
    """Loss and accuracy side by side, the x axis already as long as the whole training."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss", "Accuracy"), horizontal_spacing=0.08)
    for column, metric in enumerate(("loss", "accuracy"), start=1):
        fmt = _value_format(metric)
        for prefix, name, colour, dash, symbol in (("", "training", TRAINING_COLOUR, "solid", "circle"),
                                                   ("val_", "validation", VALIDATION_COLOUR, "dash", "square")):
            values = list(history.get(f"{prefix}{metric}", ()))
            figure.add_trace(go.Scatter(
                x=list(range(1, len(values) + 1)), y=values, name=name, mode="lines+markers",
                line=dict(color=colour, dash=dash, width=2.5), marker=dict(symbol=symbol, size=7),
                legendgroup=name, showlegend=column == 1,
                hovertemplate=f"{name}: %{{y:{fmt}}}<extra></extra>",
            ), row=1, col=column)
    figure.update_xaxes(title="epoch", range=[0.5, max(total_epochs, 1) + 0.5], dtick=1 if total_epochs <= 20 else None)
    # Fixed ranges: the axes stay put while the curves grow, epoch after epoch.
    figure.update_yaxes(tickformat=".1~%", range=[0, 1.02], row=1, col=2)
    losses = [value for key in ("loss", "val_loss") for value in history.get(key, ()) if np.isfinite(value)]
    figure.update_yaxes(range=[0, max(losses, default=1.0) * 1.1], row=1, col=1)
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), hovermode="x unified",
                         legend=LEGEND_BELOW)
    return figure

