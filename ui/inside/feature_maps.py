"""Section 2, "Feature maps": every map of the chosen layer, one map zoomed in, and all layers at a glance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.arithmetic.numbers import format_number
from core.explain.captions import dead_maps_note, layers_overview_table, map_option, maps_heading
from core.explain.feature_maps import FeatureMaps
from core.explain.heat_map import heat_place
from core.explain.layer_sequence import map_stage, receptive_field_sentence, shrink_sentence
from core.explain.layer_text import border_note
from core.explain.numbering import shown_number
from core.figures import explain
from core.models import layers
from ui.components.charts import clickable_chart, clicked, show_chart
from ui.inside import cell, drill_down
from ui.inside.setup import Inspection

INTRODUCTION = (
    "A **feature map** is what one filter produces on the whole input: one number per position, large "
    "where the input under the filter looks like the filter's pattern. A convolution layer makes one map per "
    "filter, and the same filter is used at every position (**weight sharing**), so a pattern is found "
    "wherever it is. The maps below are sorted so the most active come first."
)


@dataclass(frozen=True)
class GridSpec:
    per_map: bool  # each map's brightness stretched on its own, or one scale for the layer


def read_grid_spec() -> GridSpec:
    return GridSpec(st.toggle("Stretch each map's brightness on its own", value=True, key="inside_per_map",
                              help="Off: one colour scale for the whole layer, so weak maps look dark."))


def pick_map(maps: FeatureMaps, model_key: str) -> int:
    """The map to zoom into, strongest first in the list."""
    order = [int(channel) for channel in maps.order]
    means = maps.channel_means
    return st.selectbox("Map", order, key=f"inside_map_{model_key}_{maps.layer}",
                        format_func=lambda channel: map_option(channel, means, order[0]))


def show_zoom(inspection: Inspection, maps: FeatureMaps, channel: int) -> cell.Cell:
    """The chosen map at full size, the drill-down cell outlined; a click on a cell moves the drill-down there."""
    values = maps.activations[..., channel]
    height, width = values.shape
    state = st.session_state
    brightest = np.unravel_index(int(np.argmax(values)), values.shape)
    cell.start_at(state, (inspection.model_key, maps.layer, channel, inspection.photo_key),
                  (int(brightest[0]), int(brightest[1])))
    # One chart key per map, so a click on one map is never read as a click on another.
    selection_key = f"inside_zoom_{inspection.model_key}_{maps.layer}_{channel}"
    cell.follow_click(state, clicked(selection_key), height, width)
    current = cell.current_cell(state, height, width)
    title = f"{maps.layer} · map {shown_number(channel)} · {height}×{width}"
    # The alt text must not name the chosen cell: Streamlit remounts a chart whose alt changes, which drops the
    # tap that chose it on a phone. The drill-down below names the cell.
    alt = (f"Feature map {shown_number(channel)} of {maps.layer}, {height}×{width}: strongest at the "
           f"{heat_place(np.clip(values, 0, None))}, the brightest cell row {int(brightest[0]) + 1}, column "
           f"{int(brightest[1]) + 1} ({format_number(float(values.max()))}). Choose a cell by clicking it or by "
           "its row and column below.")
    clickable_chart(explain.feature_map_figure(values, title, (current.row, current.column)), key=selection_key,
                    alt=alt)
    return current


def show_overview(inspection: Inspection) -> None:
    """Every layer's maps side by side: run only when asked for (it is the heaviest view of the page)."""
    st.markdown("##### All layers at a glance")
    layer_count = len(inspection.layer_paths)
    if not st.toggle(f"Show a few maps of all {layer_count} layers", key="inside_overview_on",
                     help="Runs the photo through every layer and keeps each one's maps."):
        return
    all_maps = inspection.all_maps()
    show_chart(explain.layers_overview_figure(all_maps), key="inside_overview")
    st.dataframe(pd.DataFrame(layers_overview_table(all_maps)), hide_index=True, width="stretch")
    first_conv = inspection.conv_paths[0]
    note = border_note(layers.find_layer(inspection.model, first_conv), inspection.input_size[0],
                       inspection.maps(first_conv).shape[0])
    if note is not None:
        st.caption(note)


def show(inspection: Inspection) -> None:
    st.markdown(INTRODUCTION + " " + shrink_sentence(inspection.model))
    maps = inspection.maps(inspection.layer)
    stage = map_stage(inspection.model, inspection.layer)
    st.subheader(maps_heading(maps))
    st.markdown(stage.sentence + " " + receptive_field_sentence(inspection.model, inspection.layer))
    note = dead_maps_note(maps, after_relu=stage.shown_after_relu)
    if note is not None:
        st.caption(note)
    spec = read_grid_spec()
    show_chart(explain.feature_grid_figure(maps, per_map=spec.per_map), key="inside_grid")

    st.markdown("##### Zoom into one map")
    channel = pick_map(maps, inspection.model_key)
    start = show_zoom(inspection, maps, channel)
    st.markdown("##### How was one number made? (drill-down)")
    st.caption("Click a cell of the map above, or type its position. It starts at the brightest cell.")
    chosen = drill_down.read_cell(st.session_state, maps.shape[0], maps.shape[1], start)
    drill_down.show(inspection, channel, chosen)
    show_overview(inspection)
