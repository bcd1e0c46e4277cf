"""The fragility curve: the model's percentage for the photo's class at every value of one change."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from core.figures.probability import CHOSEN, OTHER, TICKS
from core.prediction.answers import singular
from core.wording.percent import probability_percent

#: The points where the answer is another class.
FLIPPED = "#D55E00"  # Okabe-Ito vermillion; a cross as well, so the colour is never the only sign


def sweep_figure(labels: Sequence[str], shares: Sequence[float], flipped: Sequence[bool], current: int,
                 class_name: str, axis_title: str, *, two_classes: bool = True, height: int = 320) -> go.Figure:
    """% of ``class_name`` (the unchanged photo's class) against the change's values, in the slider's order.

    Points where the answer flipped are vermillion crosses; the student's value is ringed; with two classes the 50%
    line, where the answer changes, is dotted.
    """
    if not len(labels) == len(shares) == len(flipped) or not labels:
        raise ValueError(f"A curve needs as many labels, percentages and flips, got {len(labels)}, {len(shares)} "
                         f"and {len(flipped)}.")
    if not 0 <= current < len(labels):
        raise ValueError(f"The student's value is point {current}, but the curve has {len(labels)} points.")
    name = singular(class_name)
    labels, shares = [str(label) for label in labels], [float(share) for share in shares]
    figure = go.Figure()
    figure.add_scatter(x=labels, y=shares, mode="lines+markers", name=f"% {name}", line_color=OTHER,
                       marker=dict(color=[FLIPPED if flip else CHOSEN for flip in flipped],
                                   symbol=["x" if flip else "circle" for flip in flipped], size=9),
                       text=[probability_percent(share) for share in shares],
                       hovertemplate="%{x}: %{text} " + name + "<extra></extra>")
    figure.add_scatter(x=[labels[current]], y=[shares[current]], mode="markers+text", name="your value",
                       marker=dict(size=20, color="rgba(0,0,0,0)", line=dict(width=3, color="#24292f")),
                       text=[probability_percent(shares[current])], hoverinfo="skip",
                       textposition="bottom center" if shares[current] > 0.8 else "top center")
    if two_classes:
        figure.add_hline(y=0.5, line_dash="dot", line_color="#57606a")
    figure.update_xaxes(type="category", title_text=axis_title)
    figure.update_yaxes(range=[0, 1.08], tickformat=".0%", tickvals=list(TICKS), title_text=f"% {name}")
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), showlegend=False)
    return figure
