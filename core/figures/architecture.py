"""Architecture charts: the shape flow, parameters per layer, valid vs same padding."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from core.arithmetic.numbers import format_count
from core.arithmetic.shape_chain import PaddingComparison
from core.figures.dataset import chart_layout, class_colors
from core.models.summary import ModelTable, ShapeStep
from core.wording.percent import share_percent

_BLOCK_SHADES = {"input": 0.95, "conv": 0.35, "pool": 0.6, "vector": 0.8, "model": 0.15, "other": 0.5}


def _kind(step: ShapeStep) -> str:
    name = step.layer_type
    if name == "InputLayer":
        return "input"
    if "Conv" in name:
        return "conv"
    if "Pooling" in name and not step.is_vector:
        return "pool"
    if name == "Functional" and not step.is_vector:
        return "model"
    if step.is_vector:
        return "vector"
    return "other"


def shape_flow_figure(steps: Sequence[ShapeStep], title: str = "Feature maps get smaller and deeper") -> go.Figure:
    """Each layer's output as a box: tall as its height, deep as its width, thick with its channels.

    Vectors (after Flatten or global pooling) are thin bars whose height grows
    with the logarithm of their length.
    """
    if not steps:
        raise ValueError("No shapes to draw.")
    maps = [step for step in steps if not step.is_vector]
    largest_side = max([step.height for step in maps] + [1])
    largest_width = max([step.width for step in maps] + [1])
    largest_vector = max([step.depth for step in steps if step.is_vector] + [10])
    figure = go.Figure()
    x = 0.0
    label_y = []
    # Every box's lowest and highest point: the axis range must hold the boxes, not only the labels.
    extents: list[float] = []
    for number, step in enumerate(steps):
        kind = _kind(step)
        color = sample_colorscale("Cividis", [_BLOCK_SHADES[kind]])[0]
        if step.is_vector:
            height = 2.0 + 6.0 * math.log10(step.depth + 1) / math.log10(largest_vector + 1)
            thickness, slant = 0.35, 0.25
        else:
            height = 1.0 + 9.0 * step.height / largest_side
            thickness = 0.3 + 0.35 * math.log2(step.depth + 1)
            slant = 0.4 + 2.2 * step.width / largest_width
        bottom, top = -height / 2, height / 2
        extents += [bottom, top + slant]
        faces = [
            [(x, bottom), (x + thickness, bottom), (x + thickness, top), (x, top)],  # front
            [(x, top), (x + thickness, top), (x + thickness + slant, top + slant), (x + slant, top + slant)],  # top
            [(x + thickness, bottom), (x + thickness + slant, bottom + slant),
             (x + thickness + slant, top + slant), (x + thickness, top)],  # side
        ]
        hover = f"<b>{step.name}</b> ({step.layer_type})<br>{step.label} = {format_count(step.values)} values"
        for face_number, face in enumerate(faces):
            xs = [point[0] for point in face] + [face[0][0]]
            ys = [point[1] for point in face] + [face[0][1]]
            figure.add_scatter(
                x=xs, y=ys, mode="lines", fill="toself", fillcolor=color,
                opacity=1.0 if face_number == 0 else 0.75,
                line=dict(color="black", width=1), hoveron="fills", hoverinfo="text", text=hover,
                showlegend=False,
            )
        center = x + (thickness + slant) / 2
        below = number % 2 == 0
        label_y.append(bottom - 0.8 if below else top + slant + 0.8)
        figure.add_annotation(x=center, y=label_y[-1], text=f"<b>{step.name}</b><br>{step.label}",
                              showarrow=False, font=dict(size=11), yanchor="top" if below else "bottom")
        x += thickness + slant + 1.0
    # Labels hang 0.8 beyond their box and are two lines (about 2.2 units) tall.
    lowest = min(min(label_y) - 2.4, min(extents) - 0.5)
    highest = max(max(label_y) + 2.4, max(extents) + 0.5)
    # A long name centred on the first or last box needs room beside it (about 1 unit per 9 characters).
    side_room = max(1.0, max(len(step.name) for step in (steps[0], steps[-1])) / 9)
    figure.update_xaxes(visible=False, range=[-side_room, x - 1.0 + side_room])
    figure.update_yaxes(visible=False, range=[lowest, highest], scaleanchor=None)
    figure.update_layout(plot_bgcolor="rgba(0,0,0,0)", hovermode="closest")
    return chart_layout(figure, title, height=420)


def parameter_figure(table: ModelTable) -> go.Figure:
    """Parameters per layer (layers with weights only), largest share labelled."""
    rows = [row for row in table.rows if row.parameters > 0]
    total = max(table.total_parameters, 1)
    color = sample_colorscale("Cividis", [0.3])[0]
    figure = go.Figure(go.Bar(
        y=[row.name for row in rows], x=[row.parameters for row in rows], orientation="h",
        marker_color=color,
        text=[f"{format_count(row.parameters)} ({share_percent(row.parameters / total, 1)})" for row in rows],
        # Outside the bar and never turned: a tiny bar's label stays horizontal and readable.
        textposition="outside", textangle=0, cliponaxis=False,
        hovertemplate="%{y}: %{x:,} parameters<extra></extra>",
    ))
    # Room on the right for the longest bar's label.
    figure.update_xaxes(range=[0, max([row.parameters for row in rows] + [1]) * 1.35])
    figure.update_layout(xaxis_title="parameters", yaxis_autorange="reversed")
    return chart_layout(figure, "Where the parameters are", height=max(220, 40 * len(rows) + 90))


def padding_figure(comparison: PaddingComparison) -> go.Figure:
    """Feature-map height after each step, with valid padding and with same padding."""
    colors = class_colors(2)
    figure = go.Figure()
    for (name, sizes, color, dash, marker) in (
        ("valid padding (what Keras does here)", comparison.valid_sizes, colors[0], "solid", "circle"),
        ("same padding", comparison.same_sizes, colors[1], "dash", "diamond"),
    ):
        figure.add_scatter(x=list(comparison.stages), y=list(sizes), mode="lines+markers+text", name=name,
                           line=dict(color=color, dash=dash), marker=dict(symbol=marker, size=9),
                           text=[str(size) for size in sizes],
                           textposition="top center" if dash == "dash" else "bottom center")
    figure.update_layout(yaxis_title="height = width (pixels)", xaxis_title="layer")
    return chart_layout(figure, "Feature-map size, valid vs same padding", height=380)
