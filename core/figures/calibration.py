"""The reliability diagram: how sure the model said it was against how often it was right, before and after
calibration."""

from __future__ import annotations

import plotly.graph_objects as go

from core.prediction.calibration import Reliability
from core.wording.percent import percentage_points

BEFORE = "#cf222e"
AFTER = "#1f6feb"


def _trace(reliability: Reliability, name: str, colour: str) -> go.Scatter:
    filled = [item for item in reliability.bins if item.count]
    largest = max((item.count for item in filled), default=1)
    return go.Scatter(
        x=[item.mean_confidence for item in filled], y=[item.accuracy for item in filled],
        mode="lines+markers", name=f"{name} (ECE {percentage_points(reliability.expected_calibration_error)} points)",
        line=dict(color=colour), marker=dict(color=colour, size=[8 + 14 * (item.count / largest) for item in filled]),
        customdata=[[item.lower, item.upper, item.count] for item in filled],
        hovertemplate=(f"{name}<br>scores %{{customdata[0]:.0%}}–%{{customdata[1]:.0%}}: %{{customdata[2]}} photos"
                       "<br>said on average %{x:.1%}, right %{y:.1%}<extra></extra>"),
    )


def reliability_figure(before: Reliability, after: Reliability | None = None) -> go.Figure:
    """Each bin's mean top-class probability (x) against its share of right answers (y); the diagonal is honest.

    Points below the diagonal are over-confident; marker size grows with the photos in the bin.
    """
    if before.count == 0 or (after is not None and after.count == 0):
        raise ValueError("A reliability diagram needs at least one photo in its bins.")
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="honest: said = right",
                                line=dict(color="#57606a", dash="dot"), hoverinfo="skip"))
    figure.add_trace(_trace(before, "before calibration", BEFORE))
    if after is not None:
        figure.add_trace(_trace(after, "after calibration", AFTER))
    # Two classes never score below 50% for the top class: start the axes there so the bins are visible.
    lowest = min(item.lower for item in before.bins if item.count)
    start = 0.5 if lowest >= 0.5 else 0.0
    figure.update_xaxes(title=f"the model's top-class probability ({before.split} photos)", range=[start, 1.0],
                        tickformat=".0%")
    accuracies = [item.accuracy for series in (before, after) if series for item in series.bins if item.count]
    bottom = min(start, min(accuracies) - 0.05)  # a bin right less often than chance must stay on the plot
    figure.update_yaxes(title="share of those photos it got right", range=[max(0.0, bottom), 1.02], tickformat=".0%")
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=10, b=10),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return figure
