"""The drill-down: how one number of a feature map was made, recomputed from the layer's input and weights."""

from __future__ import annotations

from collections.abc import MutableMapping

import keras
import streamlit as st

from core.explain import drill_down
from core.explain.drill_down_text import ConvStory, PoolStory
from core.explain.layer_text import input_description
from core.explain.numbering import shown_number
from core.figures import heatmaps
from core.models import layers
from ui.components.charts import show_chart
from ui.inside import cell
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources


def read_cell(state: MutableMapping, height: int, width: int, start: cell.Cell) -> cell.Cell:
    """Row and column inputs, counted from 1 as in the lab, starting at ``start`` (the clicked or brightest cell)."""
    version = cell.version(state)
    position = st.columns(2)
    with position[0]:
        row = st.number_input(f"Row (1–{height})", 1, height, value=start.row + 1, step=1,
                              key=cell.row_key(version))
    with position[1]:
        column = st.number_input(f"Column (1–{width})", 1, width, value=start.column + 1, step=1,
                                 key=cell.column_key(version))
    chosen = cell.Cell(int(row) - 1, int(column) - 1)
    state[cell.CELL_KEY] = (chosen.row, chosen.column)
    return chosen


def show_verdict(story: ConvStory | PoolStory) -> None:
    if story.matches:
        st.success(story.verdict)
    else:
        st.error(story.verdict)


def show_conv(story: ConvStory) -> None:
    result = story.arithmetic
    st.markdown(story.introduction)
    if story.many_channels:
        shown = st.multiselect("Input maps to show in full", list(range(story.channel_count)),
                               default=story.strongest_channels,
                               format_func=lambda channel: f"input map {shown_number(channel)}",
                               key=f"inside_drill_channels_{result.layer}_{result.row}_{result.column}_{result.channel}",
                               max_selections=4,
                               help="By default, the three input maps that add the most (in size) to the sum.")
    else:
        shown = list(range(story.channel_count))
    names = story.channel_names
    for channel in shown:
        name = names[channel] if names else f"input map {shown_number(channel)}"
        # Three columns on a wide screen; Streamlit stacks them on a phone, so no number is squeezed.
        for column, figure, part in zip(st.columns(3), heatmaps.conv_drill_down_figures(result, channel, name),
                                        ("window", "kernel", "products")):
            with column:
                show_chart(figure, key=f"inside_drill_{part}_{channel}")
    if shown:
        st.caption(story.colour_caption)
    if story.many_channels:
        show_chart(heatmaps.channel_contributions_figure(result), key="inside_drill_bars")
    st.code(story.working, language=None, wrap_lines=True)  # a phone wraps the long lines instead of cutting them
    show_verdict(story)


def show_pool(story: PoolStory) -> None:
    st.markdown(story.introduction)
    show_chart(heatmaps.pool_window_figure(story.arithmetic), key="inside_drill_pool", width="content")
    st.code(story.working, language=None, wrap_lines=True)  # a phone wraps the long lines instead of cutting them
    show_verdict(story)


def show(inspection: Inspection, channel: int, chosen: cell.Cell) -> None:
    """Recompute the value at ``chosen`` of map ``channel`` of the chosen layer, and compare with the model's."""
    layer, model = inspection.layer, inspection.model
    layer_object = layers.find_layer(model, layer)
    is_pool = isinstance(layer_object, layers.POOL_TYPES)
    if not (is_pool or type(layer_object) is keras.layers.Conv2D):
        st.info(f"The drill-down covers plain convolution and pooling layers; {layer} is a "
                f"{type(layer_object).__name__}.")
        return
    received, produced = inside_resources.cached_layer_io(inspection.model_key, inspection.photo_key, layer, model,
                                                           inspection.photo.pixels)
    first_conv = inspection.conv_paths[0]
    source = input_description(model, layer, first_conv)
    if is_pool:
        arithmetic = drill_down.pool_arithmetic(layer_object, received, produced, chosen.row, chosen.column,
                                                channel, layer)
        show_pool(PoolStory(arithmetic, source.removeprefix("the maps made by ")))
    else:
        arithmetic = drill_down.conv_arithmetic(layer_object, received, produced, chosen.row, chosen.column,
                                                channel, layer)
        show_conv(ConvStory(arithmetic, source, reads_photo=layer == first_conv))
