"""Section 4, "What a filter looks for": activation maximisation, run on demand."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import streamlit as st

from core.explain import activation_max
from core.explain.captions import pattern_caption
from core.explain.layer_text import filter_layer_for, stand_in_note
from core.explain.numbering import shown_number
from core.figures import heatmaps
from core.models import layers
from ui.components.charts import show_chart
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources

INTRODUCTION = (
    "Which input would make one filter respond as strongly as possible? Start from gray noise and change "
    "the picture step by step in the direction that raises that filter's response (*gradient ascent*), "
    "shifting it a little and blurring it lightly along the way so it does not turn into pixel noise."
)

#: The last search asked for, as a plain (model, layer, filter, steps) tuple; its result shows until a setting
#: changes.
REQUEST_KEY = "inside_pattern_request"


@dataclass(frozen=True)
class PatternSpec:
    model_key: str
    layer: str
    channel: int  # 0-based, as the arrays count; the learner reads shown_number(channel)
    steps: int


def read_spec(inspection: Inspection) -> PatternSpec:
    conv_layer = filter_layer_for(inspection.layer, inspection.layer_paths, inspection.conv_paths)
    note = stand_in_note(inspection.model, inspection.layer, conv_layer, "Using")
    if note:
        st.caption(note)
    filter_count = int(layers.find_layer(inspection.model, conv_layer).filters)
    # Start at the filter that responds most to this photo.
    strongest = int(inspection.maps(conv_layer).order[0])
    columns = st.columns(2)
    with columns[0]:
        # Counted from 1, as the lab and every other caption on the page count filters.
        number = st.number_input(f"Filter of {conv_layer} (1–{filter_count})", 1, filter_count,
                                 shown_number(strongest),
                                 key=f"inside_pattern_filter_{inspection.model_key}_{conv_layer}")
    with columns[1]:
        steps = st.slider("Steps", 10, 80, activation_max.DEFAULT_STEPS, 10, key="inside_pattern_steps",
                          help="More steps give a stronger pattern but take longer.")
    return PatternSpec(inspection.model_key, conv_layer, int(number) - 1, int(steps))


def show(inspection: Inspection) -> None:
    st.markdown(INTRODUCTION)
    spec = read_spec(inspection)
    if st.button("Find the pattern", key="inside_pattern_go", type="primary"):
        st.session_state[REQUEST_KEY] = astuple(spec)
    if st.session_state.get(REQUEST_KEY) != astuple(spec):
        st.caption("Press the button: the search takes a few seconds, and its result is kept.")
        return
    with st.spinner(f"Gradient ascent, {spec.steps} steps…"):
        pattern = inside_resources.cached_pattern(spec.model_key, spec.layer, spec.channel, spec.steps,
                                                  inspection.model)
    if not pattern.found_pattern:
        # No picture: what the search ended on is noise (or nothing), and a picture would pass it off as a pattern.
        st.warning(pattern_caption(pattern))
        show_chart(heatmaps.ascent_history_figure(pattern.history), key="inside_pattern_history")
        return
    columns = st.columns(2)
    with columns[0]:
        show_chart(heatmaps.pattern_figure(pattern.display_image(),
                                           f"{spec.layer} · filter {shown_number(spec.channel)}"),
                   key="inside_pattern")
    with columns[1]:
        show_chart(heatmaps.ascent_history_figure(pattern.history), key="inside_pattern_history")
    st.caption(pattern_caption(pattern))
