"""Section 1, "Filters": the chosen layer's learned filters next to freshly initialised ones."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.explain import filters
from core.explain.filter_comparison import FilterComparison
from core.explain.layer_text import filter_layer_for, stand_in_note
from core.figures import explain
from ui.components.charts import show_chart
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources

#: Deeper layers: at most this many filters, and input maps per filter, are drawn.
MOST_SHOWN = 16


@dataclass(frozen=True)
class ColourSpec:
    normalisation: str  # a key of core.explain.filters.NORMALISATIONS


@dataclass(frozen=True)
class GridSpec:
    filter_count: int
    channel_count: int


def filter_layer(inspection: Inspection) -> str:
    """The layer whose filters are shown, with a note when it is not the chosen layer itself."""
    conv_layer = filter_layer_for(inspection.layer, inspection.layer_paths, inspection.conv_paths)
    note = stand_in_note(inspection.model, inspection.layer, conv_layer, "Showing")
    if note:
        st.info(note)
    return conv_layer


def read_colour_spec() -> ColourSpec:
    normalisation = st.radio(
        "Brightness", list(filters.NORMALISATIONS), key="inside_filter_norm", horizontal=True,
        format_func=lambda key: filters.NORMALISATIONS[key],
    )
    return ColourSpec(normalisation)


def show_colour_filters(comparison: FilterComparison, spec: ColourSpec) -> None:
    st.caption("Each square is one filter: its red, green and blue weights drawn as a colour. "
               f"Weights are mapped to 0..255 with {filters.NORMALISATIONS[spec.normalisation]}.")
    for column, (layer_filters, title) in zip(st.columns(2), comparison.sides):
        with column:
            show_chart(explain.rgb_filters_figure(filters.filters_as_rgb(layer_filters.kernel, spec.normalisation),
                                                  title.capitalize()), key=f"inside_rgb_{title}")


def read_grid_spec(comparison: FilterComparison) -> GridSpec:
    filter_total = comparison.learned.filter_count
    filter_count = st.slider("Filters shown", 1, min(MOST_SHOWN, filter_total), min(8, filter_total),
                             key="inside_filter_rows")
    return GridSpec(filter_count, min(MOST_SHOWN, comparison.learned.input_channels))


def show_filter_grids(comparison: FilterComparison, spec: GridSpec) -> None:
    for layer_filters, title in comparison.sides:
        show_chart(explain.kernel_grid_figure(
            filters.channel_grid(layer_filters.kernel, spec.filter_count, spec.channel_count),
            f"{title.capitalize()}: first {spec.filter_count} filters × first {spec.channel_count} input maps",
            limit=comparison.weight_limit), key=f"inside_grid_{title}")


def show(inspection: Inspection) -> None:
    conv_layer = filter_layer(inspection)
    learned, fresh = inside_resources.cached_filters(inspection.model_key, conv_layer, inspection.model)
    comparison = FilterComparison(learned, fresh, trained=inspection.choice.trained)
    st.markdown(comparison.introduction)
    st.markdown(comparison.size_text)
    if comparison.in_colour:
        show_colour_filters(comparison, read_colour_spec())
    else:
        st.caption("Deeper filters see many input maps, not colours, so each filter is a stack of "
                   f"{learned.input_channels} {learned.kernel_size[0]}×{learned.kernel_size[1]} squares "
                   "(one per input map). Orange = negative weight, white = 0, blue = positive; "
                   "the stronger the colour, the larger the weight.")
        show_filter_grids(comparison, read_grid_spec(comparison))
    if learned.bias is not None:
        show_chart(explain.bias_figure(learned.bias, fresh.bias, f"{conv_layer}: biases"), key="inside_bias")
    st.caption(comparison.summary_text)
