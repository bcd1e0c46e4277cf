"""The probability bars: one per class, the percentage written on each, the 50% line marked."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from core.prediction.answers import singular
from core.wording.percent import probability_percent

CHOSEN = "#1f6feb"
OTHER = "#8c959f"
#: The labelled probabilities on the axis.
TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def probability_figure(class_names: Sequence[str], probabilities: Sequence[float], *,
                       chosen: int | None = None) -> go.Figure:
    """Horizontal bars in class order; ``chosen`` (the answer, if the model is sure) is coloured."""
    values = [float(p) for p in probabilities]
    if len(values) != len(class_names):
        raise ValueError(f"{len(class_names)} class names but {len(values)} probabilities.")
    colours = [CHOSEN if index == chosen else OTHER for index in range(len(values))]
    figure = go.Figure(go.Bar(
        x=values, y=[singular(str(name)) for name in class_names], orientation="h", marker_color=colours,
        text=[probability_percent(p, decimals=1) for p in values], textposition="auto", textangle=0,
        hovertemplate="%{y}: %{x:.1%}<extra></extra>",
    ))
    if len(values) == 2:
        figure.add_vline(x=0.5, line_dash="dot", line_color="#57606a")
    # Every quarter labelled up to 100%: the axis must visibly end at certainty, not at the last tick that fits.
    figure.update_xaxes(range=[0, 1], tickformat=".0%", tickvals=list(TICKS))
    figure.update_yaxes(autorange="reversed")
    # The right margin holds the "100%" label centred on the axis end.
    figure.update_layout(height=60 + 40 * len(values), margin=dict(l=10, r=30, t=10, b=10), showlegend=False)
    return figure
