"""Plotly figures for the Dataset & augmentation and the Architecture pages.

Plain functions from numbers to ``go.Figure``; no Streamlit here. Colours
come from Cividis (readable in grayscale and by colour-blind viewers), and
classes also differ by marker shape or bar pattern, not by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from core.arithmetic.numbers import format_count
from core.wording.percent import share_percent

MARKERS = ("circle", "diamond", "square", "triangle-up", "cross", "x", "star", "hexagon")

PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")


def class_colors(count: int) -> list[str]:
    """``count`` Cividis colours from dark to light (distinct in grayscale too)."""
    if count <= 1:
        return sample_colorscale("Cividis", [0.15])
    return sample_colorscale("Cividis", [0.1 + 0.75 * index / (count - 1) for index in range(count)])


def chart_layout(figure: go.Figure, title: str, height: int = 360) -> go.Figure:
    figure.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10),
                         legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    return figure


def class_balance_figure(counts: dict[str, dict[str, int]]) -> go.Figure:
    """Photos per class in each split, as grouped bars with their numbers."""
    splits = list(counts)
    class_names = sorted({name for classes in counts.values() for name in classes})
    figure = go.Figure()
    for index, (class_name, color) in enumerate(zip(class_names, class_colors(len(class_names)))):
        values = [counts[split].get(class_name, 0) for split in splits]
        figure.add_bar(x=splits, y=values, name=class_name, marker_color=color,
                       marker_pattern_shape=PATTERNS[index % len(PATTERNS)],
                       text=[format_count(value) for value in values], textposition="outside",
                       textangle=0, cliponaxis=False)
    figure.update_layout(barmode="group", xaxis_title="split", yaxis_title="photos")
    return chart_layout(figure, "Photos per class and split")


def split_share_figure(counts: dict[str, dict[str, int]]) -> go.Figure:
    """One horizontal bar cut into the splits; the legend gives each split's count."""
    totals = {split: sum(classes.values()) for split, classes in counts.items()}
    grand_total = max(sum(totals.values()), 1)
    figure = go.Figure()
    for (split, total), color in zip(totals.items(), class_colors(len(totals))):
        figure.add_bar(y=["photos"], x=[total], orientation="h", name=f"{split}: {format_count(total)}",
                       marker_color=color, marker_line=dict(color="white", width=2),
                       text=[share_percent(total / grand_total)], textposition="inside", insidetextanchor="middle",
                       textangle=0, hovertemplate=f"{split}: {format_count(total)} photos "
                                                  f"({share_percent(total / grand_total, 1)})<extra></extra>")
    figure.update_layout(barmode="stack", xaxis_title="photos", yaxis_visible=False)
    chart_layout(figure, "How the photos are split", height=200)
    figure.update_layout(legend_traceorder="normal")
    return figure


def image_size_figure(widths: np.ndarray, heights: np.ndarray, class_indices: np.ndarray,
                      class_names: Sequence[str]) -> go.Figure:
    """Width × height of each photo checked, one marker shape per class."""
    figure = go.Figure()
    widths, heights, class_indices = np.asarray(widths), np.asarray(heights), np.asarray(class_indices)
    for index, (class_name, color) in enumerate(zip(class_names, class_colors(len(class_names)))):
        chosen = class_indices == index
        figure.add_scatter(x=widths[chosen], y=heights[chosen], mode="markers", name=class_name,
                           marker=dict(color=color, symbol=MARKERS[index % len(MARKERS)], size=7, opacity=0.6,
                                       line=dict(width=0.5, color="black")),
                           hovertemplate="%{x} × %{y} pixels<extra>" + class_name + "</extra>")
    figure.update_layout(xaxis_title="width (pixels)", yaxis_title="height (pixels)")
    return chart_layout(figure, "Image sizes (width × height)", height=400)


def channel_stats_figure(mean: Sequence[float], std: Sequence[float]) -> go.Figure:
    """Mean pixel value of each colour channel, with ± one standard deviation."""
    channels = ["red", "green", "blue"]
    figure = go.Figure(go.Bar(
        x=channels, y=list(mean), error_y=dict(type="data", array=list(std), visible=True),
        marker_color=["#b2182b", "#4d9221", "#2166ac"], marker_pattern_shape=["", "/", "."],
        hovertemplate="%{x}: %{y:.1f} ± %{error_y.array:.1f}<extra></extra>",
    ))
    figure.update_layout(yaxis_title="pixel value (0-255)", yaxis_range=[0, 255])
    return chart_layout(figure, "Mean ± standard deviation per channel", height=340)
