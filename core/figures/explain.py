"""Plotly figures for the "inside the model" page (no Streamlit here).

Colour choices: feature maps and heat maps use Viridis (dark purple to bright
yellow, readable in grayscale and for colour-blind viewers); filter weights and
signed feature maps use the app's orange-white-blue sign scale centred on zero
(core.figures.number_grid.SIGN_SCALE; the drill-down's grids are in
core.figures.heatmaps). core.figures.colour_vision checks both under simulated
deuteranopia and protanopia.
Grids of many small maps are drawn as one mosaic image (one trace) so the
browser stays fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import plotly.colors
import plotly.graph_objects as go

from core.explain.feature_maps import FeatureMaps
from core.figures.number_grid import SIGN_SCALE

GRAY = [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]

HEAT = "Viridis"

SIGNED = SIGN_SCALE

#: Largest number of mosaic pixels sent to the browser for one grid.
MOSAIC_PIXEL_BUDGET = 60_000

#: In overlays, heat-map colours fade in from transparent (0) to opaque (this value and above).
FADE_UNTIL = 0.25


def _fading(colours: Sequence[str], fade_until: float) -> list:
    """``colours`` as a scale whose opacity rises from 0 (at 0) to 1 (at ``fade_until`` and above)."""
    steps = 24
    scale = []
    for index in range(steps + 1):
        position = index / steps
        colour = plotly.colors.find_intermediate_color(
            *_neighbours(colours, position), colortype="rgb")
        red, green, blue = plotly.colors.unlabel_rgb(colour)
        alpha = min(1.0, position / fade_until)
        scale.append([position, f"rgba({red:.0f},{green:.0f},{blue:.0f},{alpha:.3f})"])
    return scale


def _neighbours(colours: Sequence[str], position: float) -> tuple[str, str, float]:
    """The two scale colours around ``position`` (0..1) and how far between them it lies."""
    rgb = [plotly.colors.hex_to_rgb(c) if c.startswith("#") else plotly.colors.unlabel_rgb(c) for c in colours]
    scaled = position * (len(rgb) - 1)
    low = min(int(scaled), len(rgb) - 2)
    return (plotly.colors.label_rgb(rgb[low]), plotly.colors.label_rgb(rgb[low + 1]), scaled - low)


#: Viridis that fades to transparent towards 0, so unimportant places show the photo.
HEAT_OVER_PHOTO = _fading(plotly.colors.sequential.Viridis, FADE_UNTIL)


def outline_cell(figure: go.Figure, row: int, column: int) -> None:
    """A black box inside a white one around one cell: it stands out on every colour of every scale, to anyone."""
    for colour, width in (("white", 6), ("black", 2)):
        figure.add_shape(type="rect", x0=column - 0.5, x1=column + 0.5, y0=row - 0.5, y1=row + 0.5,
                         line=dict(color=colour, width=width))


def image_axes(figure: go.Figure, row: int | None = None, col: int | None = None) -> None:
    options = dict(showticklabels=False, showgrid=False, zeroline=False, ticks="")
    # "domain" shrinks the plotting area to the picture instead of padding the axis range.
    figure.update_xaxes(**options, constrain="domain", row=row, col=col)
    figure.update_yaxes(**options, autorange="reversed", scaleanchor="x", row=row, col=col)


def picture_layout(figure: go.Figure, title: str, height: int) -> go.Figure:
    # Plotly never wraps a title: long ones carry "<br>", and each extra line gets room.
    figure.update_layout(title=dict(text=title, x=0.0, xanchor="left"), height=height,
                         margin=dict(l=10, r=10, t=50 + 20 * title.count("<br>"), b=10), plot_bgcolor="white")
    return figure


def mosaic(tiles: np.ndarray, columns: int, gap: int = 1, fill: float = np.nan) -> np.ndarray:
    """Lay (n, h, w[, c]) tiles on a grid with ``gap`` pixels of ``fill`` between them."""
    if tiles.ndim not in (3, 4) or len(tiles) == 0:
        raise ValueError(f"Expected (n, h, w) or (n, h, w, c) tiles, got shape {tiles.shape}.")
    count, height, width = tiles.shape[:3]
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    shape = (rows * (height + gap) - gap, columns * (width + gap) - gap, *tiles.shape[3:])
    grid = np.full(shape, fill, dtype=np.float32)
    for index in range(count):
        top, left = divmod(index, columns)
        top, left = top * (height + gap), left * (width + gap)
        grid[top:top + height, left:left + width] = tiles[index]
    return grid


def _height_for(shape: tuple[int, ...], width: int, extra: int = 70) -> int:
    """A figure height that fits a (height, width) picture drawn about ``width`` pixels wide."""
    return int(min(1600, max(220, extra + width * shape[0] / shape[1])))


def _tile_label(x: float, y: float, text: str, hover: str | None = None) -> dict:
    label = dict(x=x, y=y, text=text, showarrow=False, xanchor="left", yanchor="top",
                 font=dict(size=9, color="white"), bgcolor="rgba(0,0,0,0.55)")
    if hover:
        label["hovertext"] = hover
    return label


def _tile_origin(index: int, columns: int, height: int, width: int, gap: int) -> tuple[int, int]:
    row, column = divmod(index, columns)
    return row * (height + gap), column * (width + gap)


def rgb_filters_figure(images: np.ndarray, title: str, columns: int = 8, scale: int = 10) -> go.Figure:
    """First-layer filters (n, kh, kw, 3) in 0..1 as small colour squares, numbered from 1."""
    if images.ndim != 4 or images.shape[3] != 3:
        raise ValueError(f"Expected (n, kh, kw, 3) filter images, got shape {images.shape}.")
    enlarged = np.repeat(np.repeat(images, scale, axis=1), scale, axis=2)
    count, tile_height, tile_width = enlarged.shape[:3]
    columns = max(1, min(columns, count))
    label_band, gap = 12, 4  # a white band above each filter holds its number
    padded = np.ones((count, tile_height + label_band, tile_width, 3), np.float32)
    padded[:, label_band:] = enlarged
    grid = mosaic(padded, columns, gap=gap, fill=1.0)
    figure = go.Figure(go.Image(z=np.round(grid * 255).astype(np.uint8), hoverinfo="skip"))
    labels = []
    for index in range(count):
        top, left = _tile_origin(index, columns, tile_height + label_band, tile_width, gap)
        labels.append(dict(x=left + tile_width / 2, y=top + label_band / 2, text=str(index + 1), showarrow=False,
                           font=dict(size=9, color="#444")))
    # One layout update: adding annotations one by one is very slow in Plotly.
    figure.update_layout(annotations=labels)
    image_axes(figure)
    aspect = grid.shape[0] / grid.shape[1]
    return picture_layout(figure, title, height=int(70 + 420 * aspect))


def kernel_grid_figure(
    grid: np.ndarray, title: str, row_label: str = "filter", column_label: str = "input channel",
    row_ids: Sequence[int] | None = None, column_ids: Sequence[int] | None = None, limit: float | None = None,
) -> go.Figure:
    """Kernel slices (rows, columns, kh, kw) on the sign scale: orange = negative, white = 0, blue = positive.

    Filters and input maps are labelled from 1 unless ``row_ids`` / ``column_ids`` name them.
    """
    if grid.ndim != 4:
        raise ValueError(f"Expected (rows, columns, kh, kw) kernel slices, got shape {grid.shape}.")
    rows, columns, kernel_height, kernel_width = grid.shape
    row_ids = list(range(1, rows + 1)) if row_ids is None else list(row_ids)
    column_ids = list(range(1, columns + 1)) if column_ids is None else list(column_ids)
    limit = float(np.abs(grid).max()) if limit is None else float(limit)
    limit = limit if limit > 0 else 1.0
    gap = 1
    height, width = rows * (kernel_height + gap) - gap, columns * (kernel_width + gap) - gap
    values = np.full((height, width), np.nan, np.float32)
    ids = np.full((height, width, 2), -1, np.int32)
    for row in range(rows):
        for column in range(columns):
            top, left = row * (kernel_height + gap), column * (kernel_width + gap)
            values[top:top + kernel_height, left:left + kernel_width] = grid[row, column]
            ids[top:top + kernel_height, left:left + kernel_width] = (row_ids[row], column_ids[column])
    figure = go.Figure(go.Heatmap(
        z=values, customdata=ids, colorscale=SIGNED, zmin=-limit, zmax=limit, zmid=0, xgap=0, ygap=0,
        colorbar=dict(title="weight", thickness=12),
        hovertemplate=f"{row_label} %{{customdata[0]}}, {column_label} %{{customdata[1]}}"
                      "<br>weight %{z:.4f}<extra></extra>",
    ))
    figure.update_xaxes(tickvals=[c * (kernel_width + gap) + (kernel_width - 1) / 2 for c in range(columns)],
                        ticktext=[str(i) for i in column_ids], title=column_label, showgrid=False, zeroline=False)
    figure.update_yaxes(tickvals=[r * (kernel_height + gap) + (kernel_height - 1) / 2 for r in range(rows)],
                        ticktext=[str(i) for i in row_ids], title=row_label, autorange="reversed",
                        scaleanchor="x", showgrid=False, zeroline=False)
    figure.update_layout(plot_bgcolor="rgb(110,110,110)")  # dark gaps: a weight near 0 is near-white
    return picture_layout(figure, title, height=_height_for(values.shape, 620, extra=130))


def bias_figure(trained: np.ndarray | None, untrained: np.ndarray | None, title: str) -> go.Figure:
    """One bar per filter (numbered from 1): the trained bias next to the untrained one (which starts at zero)."""
    figure = go.Figure()
    if trained is not None:
        figure.add_bar(x=np.arange(1, len(trained) + 1), y=trained, name="trained", marker_color="#1f6feb")
    if untrained is not None:
        figure.add_bar(x=np.arange(1, len(untrained) + 1), y=untrained, name="untrained (fresh)",
                       marker_color="#9a9a9a", marker_pattern_shape="/")
    figure.update_layout(barmode="group", xaxis_title="filter", yaxis_title="bias",
                         legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    return picture_layout(figure, title, height=300)


def _scaled_maps(activations: np.ndarray, order: np.ndarray, per_map: bool) -> tuple[np.ndarray, float, float]:
    """Maps in ``order`` as (n, h, w), and the colour range to use."""
    maps = np.transpose(activations[..., order], (2, 0, 1)).astype(np.float32)
    signed = bool(np.min(activations) < 0)
    if per_map:
        if signed:
            peaks = np.abs(maps).max(axis=(1, 2), keepdims=True)
            return maps / np.where(peaks > 0, peaks, 1.0), -1.0, 1.0
        peaks = maps.max(axis=(1, 2), keepdims=True)
        return maps / np.where(peaks > 0, peaks, 1.0), 0.0, 1.0
    if signed:
        peak = float(np.abs(maps).max()) or 1.0
        return maps, -peak, peak
    return maps, 0.0, float(maps.max()) or 1.0


def _shrink(maps: np.ndarray, tile: int) -> np.ndarray:
    if maps.shape[1] <= tile and maps.shape[2] <= tile:
        return maps
    return np.stack([cv2.resize(single, (tile, tile), interpolation=cv2.INTER_AREA) for single in maps])


def feature_grid_figure(
    feature_maps: FeatureMaps, columns: int = 8, max_maps: int | None = None, per_map: bool = True,
) -> go.Figure:
    """Every map of one layer, strongest mean activation first, as one mosaic.

    The title carries the layer's shape (e.g. ``148×148×32``). Large maps are
    shrunk for the overview only; the zoom view shows them at full size.
    """
    order = feature_maps.order if max_maps is None else feature_maps.order[:max_maps]
    maps, low, high = _scaled_maps(feature_maps.activations, order, per_map)
    count = len(order)
    tile = int(max(12, min(maps.shape[1], math.sqrt(MOSAIC_PIXEL_BUDGET / max(count, 1)))))
    maps = _shrink(maps, tile)
    gap = 2
    columns = max(1, min(columns, count))
    grid = mosaic(maps, columns, gap=gap)
    numbers = order + 1  # maps are numbered from 1 where a learner reads them
    ids = mosaic(np.broadcast_to(numbers[:, None, None].astype(np.float32), maps.shape).copy(), columns, gap=gap,
                 fill=-1).astype(np.int16)
    signed = low < 0
    figure = go.Figure(go.Heatmap(
        z=grid, customdata=ids, colorscale=SIGNED if signed else HEAT, zmin=low, zmax=high,
        zmid=0 if signed else None, showscale=True,
        colorbar=dict(title="relative" if per_map else "value", thickness=12),
        hovertemplate="map %{customdata}<br>value %{z:.3f}<extra></extra>",
    ))
    means = feature_maps.channel_means
    labels = []
    for index, channel in enumerate(order):
        top, left = _tile_origin(index, columns, maps.shape[1], maps.shape[2], gap)
        labels.append(_tile_label(left, top, f"#{channel + 1}", f"map {channel + 1}: mean {means[channel]:.3f}"))
    figure.update_layout(annotations=labels)
    image_axes(figure)
    shown = f"{count} of {feature_maps.shape[2]}" if count < feature_maps.shape[2] else f"all {count}"
    title = f"{feature_maps.layer} · {feature_maps.label}<br>{shown} maps, strongest first"  # two lines fit a phone
    return picture_layout(figure, title, height=_height_for(grid.shape, 640))


def layers_overview_figure(all_maps: Sequence[FeatureMaps], per_layer: int = 8, tile: int = 40) -> go.Figure:
    """The strongest ``per_layer`` maps of every layer, one row per layer, each map stretched on its own."""
    if not all_maps:
        raise ValueError("No feature maps to show.")
    rows = []
    labels = []
    for feature_maps in all_maps:
        order = feature_maps.order[:per_layer]
        maps, _, _ = _scaled_maps(feature_maps.activations, order, per_map=True)
        maps = np.abs(maps)  # Signed maps (no ReLU) are shown by strength here.
        resized = np.stack([cv2.resize(single, (tile, tile), interpolation=cv2.INTER_AREA
                                       if single.shape[0] >= tile else cv2.INTER_NEAREST) for single in maps])
        padded = np.full((per_layer, tile, tile), np.nan, np.float32)
        padded[:len(resized)] = resized
        rows.append(padded)
        labels.append(f"{feature_maps.layer} · {feature_maps.label}")
    gap = 3
    grid = mosaic(np.concatenate(rows), per_layer, gap=gap)
    figure = go.Figure(go.Heatmap(z=grid, colorscale=HEAT, zmin=0, zmax=1, showscale=False, hoverinfo="skip"))
    figure.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    figure.update_yaxes(tickvals=[index * (tile + gap) + tile / 2 for index in range(len(labels))], ticktext=labels,
                        autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False)
    figure = picture_layout(figure, "Every convolution and pooling layer: its strongest maps for this photo",
                     _height_for(grid.shape, 520))
    figure.update_layout(margin=dict(l=160, r=10, t=50, b=10))
    return figure


def one_based_ticks(size: int, count: int = 6) -> dict:
    """Axis ticks that label 0-based positions 0..size−1 as 1..size, at round steps (1, 5, 10, 20, …)."""
    step = next(step for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if size / step <= count)
    labels = [1] + list(range(step, size + 1, step))
    return {"tickmode": "array", "tickvals": [label - 1 for label in labels],
            "ticktext": [str(label) for label in labels]}


def feature_map_figure(values: np.ndarray, title: str, selected: tuple[int, int] | None = None) -> go.Figure:
    """One feature map at full size; each cell can be clicked (an invisible point sits on it)."""
    if values.ndim != 2:
        raise ValueError(f"Expected one (height, width) map, got shape {values.shape}.")
    signed = bool(values.min() < 0)
    limit = float(np.abs(values).max()) or 1.0
    height, width = values.shape
    # Rows and columns are labelled from 1, as in the lab and the drill-down; the axes themselves stay 0-based,
    # so clicks and shapes keep their positions. The hover leaves the position out: Plotly can't add 1 to it,
    # and a label per cell would double what a phone downloads.
    figure = go.Figure(go.Heatmap(
        z=values, colorscale=SIGNED if signed else HEAT, zmin=-limit if signed else 0.0, zmax=limit,
        colorbar=dict(title="value", thickness=12), hovertemplate="value %{z:.4f}<extra></extra>",
    ))
    # A click on a heat map reports no point to Streamlit, so every cell, on every map, gets an invisible point
    # whose x and y are its column and row. They travel as the smallest integer type (one byte each up to 255
    # cells a side), so the largest map (192×192) adds about 100 kB.
    rows, columns = np.mgrid[0:height, 0:width].astype(np.min_scalar_type(max(height, width) - 1))
    figure.add_trace(go.Scattergl(
        x=columns.ravel(), y=rows.ravel(), mode="markers",
        marker=dict(size=max(4, int(420 / max(height, width))), color="rgba(0,0,0,0)"),
        hovertemplate="click for the arithmetic<extra></extra>", showlegend=False, name="cells",
    ))
    if selected is not None:
        outline_cell(figure, *selected)
    figure.update_xaxes(showgrid=False, zeroline=False, range=[-0.5, width - 0.5], title="column", constrain="domain",
                        **one_based_ticks(width))
    figure.update_yaxes(showgrid=False, zeroline=False, range=[height - 0.5, -0.5], scaleanchor="x", title="row",
                        constrain="domain", **one_based_ticks(height))
    figure.update_layout(clickmode="event+select", dragmode="zoom")
    return picture_layout(figure, title, height=520)
