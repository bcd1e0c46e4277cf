"""Heat maps over the photo (Grad-CAM, saliency, the pattern a filter likes most) and the drill-down's grids."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.arithmetic.numbers import MINUS
from core.explain.drill_down import ConvArithmetic, PoolArithmetic
from core.figures.explain import GRAY, HEAT, HEAT_OVER_PHOTO, image_axes, outline_cell, picture_layout
from core.figures.number_grid import SIGN_NEGATIVE, SIGN_POSITIVE, SIGN_SCALE, text_colours


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
    """Saliency as a Viridis image: bright yellow = pixels that move the score most, dark purple = none."""
    figure = go.Figure(go.Heatmap(z=heatmap, colorscale=HEAT, zmin=0, zmax=1,
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


# --------------------------------------------------------------------------- the drill-down's number grids

#: Signed numbers use the lab's sign scale (orange < 0 < steel blue), and every cell writes its number with its
#: sign, so a sign is never read from colour alone, nor a red channel's window as "red".

PADDING_LABEL = "pad"


def signed_label(value: float, decimals: int) -> str:
    """``−0.125`` with a real minus sign and fixed decimals (the cells line up); ``pad`` for a padding cell."""
    if np.isnan(value):
        return PADDING_LABEL
    text = f"{value:.{decimals}f}"
    return "0" + text[text.index("."):] if float(text) == 0 else text.replace("-", MINUS)


def drill_down_grid_figure(values: np.ndarray, title: str, *, signed: bool, limit: float, decimals: int = 3,
                           top: int | None = None, left: int | None = None) -> go.Figure:
    """One small grid of the drill-down with its numbers: signed in orange/blue, unsigned in gray.

    ``top`` and ``left`` (0-based, may be negative for padding) label the rows
    and columns with the input's own 1-based positions.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"A drill-down grid is one 2-D slice, got shape {values.shape}.")
    limit = float(limit) if limit and np.isfinite(limit) and limit > 0 else 1.0
    labels = np.vectorize(lambda value: signed_label(value, decimals), otypes=[object])(values)
    figure = go.Figure(go.Heatmap(
        z=values, colorscale=SIGN_SCALE if signed else GRAY, zmin=-limit if signed else 0.0, zmax=limit,
        zmid=0.0 if signed else None, showscale=False, text=labels, hovertemplate="%{z:.6f}<extra></extra>",
        xgap=2, ygap=2,
    ))
    # The numbers ride on a text layer, black or white per cell by its colour's luminance: Plotly's own choice
    # writes white on the orange end (3.5:1), where black reads at 6:1.
    rows, columns = values.shape
    row_index, column_index = np.mgrid[0:rows, 0:columns]
    figure.add_trace(go.Scatter(
        x=column_index.ravel(), y=row_index.ravel(), mode="text", text=labels.ravel(), hoverinfo="skip",
        textfont=dict(size=12, color=text_colours(values, -limit if signed else 0.0, limit, diverging=signed)),
        showlegend=False,
    ))
    image_axes(figure)
    figure.update_xaxes(range=[-0.5, columns - 0.5])
    figure.update_yaxes(range=[rows - 0.5, -0.5], autorange=False)
    if top is not None and left is not None:
        figure.update_xaxes(showticklabels=True, side="top", tickvals=list(range(columns)),
                            ticktext=[str(left + index + 1) for index in range(columns)])
        figure.update_yaxes(showticklabels=True, tickvals=list(range(rows)),
                            ticktext=[str(top + index + 1) for index in range(rows)])
    figure = picture_layout(figure, title, height=int(90 + 36 * max(rows, 3)))
    figure.update_layout(title=dict(font=dict(size=13)), margin=dict(l=30, r=10, t=60, b=10))
    return figure


def conv_drill_down_figures(arithmetic: ConvArithmetic, channel: int, name: str,
                            decimals: int = 3) -> tuple[go.Figure, go.Figure, go.Figure]:
    """The input window, the kernel slice and their products for one input channel (called ``name``).

    Each grid scales its colours to the largest number of its kind across all
    channels, so channels can be compared.
    """
    window = arithmetic.window[..., channel]
    signed_window = bool(np.nanmin(arithmetic.window) < 0)
    window_limit = float(np.nanmax(np.abs(arithmetic.window)))
    kernel_limit = float(np.abs(arithmetic.kernel).max())
    product_limit = float(np.abs(arithmetic.products).max())
    sum_text = signed_label(float(arithmetic.channel_sums[channel]), decimals + 1)
    return (
        drill_down_grid_figure(window, f"Input window · {name}", signed=signed_window, limit=window_limit,
                               decimals=decimals, top=arithmetic.input_top, left=arithmetic.input_left),
        drill_down_grid_figure(arithmetic.kernel[..., channel], f"Kernel · {name}", signed=True,
                               limit=kernel_limit, decimals=decimals),
        drill_down_grid_figure(arithmetic.products[..., channel], f"Products · sum {sum_text}", signed=True,
                               limit=product_limit, decimals=decimals + 1),
    )


def channel_contributions_figure(arithmetic: ConvArithmetic) -> go.Figure:
    """How much each input map added to the weighted sum: blue bars add, orange bars subtract."""
    sums = arithmetic.channel_sums
    colours = np.where(sums >= 0, SIGN_POSITIVE, SIGN_NEGATIVE)
    # Input maps are numbered from 1, as everywhere a learner reads them.
    figure = go.Figure(go.Bar(x=np.arange(1, len(sums) + 1), y=sums, marker_color=colours,
                              hovertemplate="input map %{x}<br>adds %{y:+.5f}<extra></extra>"))
    figure.update_layout(xaxis_title="input map", yaxis_title="sum of window × kernel")
    return picture_layout(figure, "What each input map adds (blue adds, orange subtracts)", height=280)


def pool_window_figure(arithmetic: PoolArithmetic, decimals: int = 4) -> go.Figure:
    """The pooling window with its numbers (input positions from 1); the value kept by max pooling is outlined."""
    window = arithmetic.window
    signed = bool(np.nanmin(window) < 0)
    figure = drill_down_grid_figure(window, f"{arithmetic.operation.capitalize()} pooling window", signed=signed,
                                    limit=float(np.nanmax(np.abs(window))), decimals=decimals,
                                    top=arithmetic.input_top, left=arithmetic.input_left)
    if arithmetic.operation == "max":
        row, column = np.unravel_index(np.nanargmax(window), window.shape)
        outline_cell(figure, int(row), int(column))
    return figure
