"""Heat maps over the photo: Grad-CAM, saliency, and the pattern a filter likes most."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures.explain import GRAY, HEAT_OVER_PHOTO, image_axes, picture_layout


def overlay_figure(pixels: np.ndarray, heatmap: np.ndarray, opacity: float, title: str) -> go.Figure:
    """The photo the model saw, with a heat map (same size, 0..1) drawn on top at ``opacity``."""
    if heatmap.shape != pixels.shape[:2]:
        raise ValueError(f"Heat map {heatmap.shape} and photo {pixels.shape[:2]} must have the same size.")
    figure = go.Figure(go.Image(z=pixels, hoverinfo="skip"))
    # Places with little importance fade out, so the photo shows through.
    figure.add_trace(go.Heatmap(z=heatmap.astype(np.float32), colorscale=HEAT_OVER_PHOTO, zmin=0, zmax=1,
                                opacity=opacity,
                                colorbar=dict(title="importance", thickness=12),
                                hovertemplate="row %{y}, column %{x}<br>importance %{z:.2f}<extra></extra>"))
    image_axes(figure)
    return picture_layout(figure, title, height=420)


def saliency_figure(heatmap: np.ndarray, title: str) -> go.Figure:
    """Saliency as a grayscale image: white = pixels that move the score most."""
    figure = go.Figure(go.Heatmap(z=heatmap, colorscale=GRAY, zmin=0, zmax=1,
                                  colorbar=dict(title="gradient", thickness=12),
                                  hovertemplate="row %{y}, column %{x}<br>%{z:.2f}<extra></extra>"))
    image_axes(figure)
    return picture_layout(figure, title, height=420)


def pattern_figure(image: np.ndarray, title: str) -> go.Figure:
    """An RGB picture (uint8) without axes."""
    figure = go.Figure(go.Image(z=image, hoverinfo="skip"))
    image_axes(figure)
    return picture_layout(figure, title, height=420)


def ascent_history_figure(history: Sequence[float]) -> go.Figure:
    """How the filter's response grew step by step during gradient ascent."""
    figure = go.Figure(go.Scatter(x=np.arange(len(history)), y=list(history), mode="lines+markers",
                                  line=dict(color="#1f6feb"), hovertemplate="step %{x}<br>%{y:.4f}<extra></extra>"))
    figure.update_layout(xaxis_title="step", yaxis_title="mean response")
    return picture_layout(figure, "Response of the filter during the search", height=280)
