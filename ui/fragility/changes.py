"""One change at a time (noise, a turn, shrinking, brightness, a grey square): a slider, the changed photo, the
sentence and the curve of the percentage over every value the slider can take."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.explain import fragility
from core.figures.alt_text import photo_answer_alt
from core.figures.fragility import sweep_figure
from ui.components.charts import show_chart
from ui.fragility.setup import Fragility
from ui.resources.fragility import cached_sweep

#: What the learner reads under each change's slider: how the change is made.
HOW = {
    "noise": "Random noise (the same random pattern at every strength), added to every number and kept in 0..255.",
    "rotation": "The photo turned about its centre; the corners it uncovers are filled with a mirror of the edge.",
    "shrink": "The photo shrunk to a few pixels a side and enlarged back to the model's size: fine detail is lost.",
    "brightness": "Every number multiplied by the factor (×0.5: half as bright) and kept at most 255.",
    "cover": f"A grey square (every number {fragility.COVER_GREY}) painted over part of the photo.",
}


@dataclass(frozen=True)
class ChangeSpec:
    """The change the learner chose and how strong: a value on the control's grid."""

    key: str
    value: float
    place: str = "middle"


def read_spec(control: fragility.Control) -> ChangeSpec:
    place = "middle"
    if control.key == "cover":
        place = st.selectbox("Where the square sits", list(fragility.PLACES), index=4, key="fragility_cover_place")
    value = st.select_slider(control.label, options=list(control.values), value=control.neutral,
                             format_func=control.format, key=f"fragility_{control.key}")
    return ChangeSpec(control.key, value, place)


def show(context: Fragility, key: str) -> None:
    """The slider for change ``key``, the changed photo, what the model now says and the curve."""
    control = fragility.control(key, context.side)
    spec = read_spec(control)
    sweep = cached_sweep(context.model_name, context.photo.digest, key, spec.place, context.photo.pixels)
    changed = fragility.perturbation(key, place=spec.place)(context.model_pixels, spec.value)
    words = control.words(spec.value)
    left, right = st.columns([1, 2])
    what = f"Your photo {words}" if spec.value != control.neutral else "Your photo, unchanged"
    left.image(changed, caption=what, width="stretch",
               alt=photo_answer_alt(f"{what} ({spec.place})" if key == "cover" and spec.value else what,
                                    changed.shape, sweep.said(spec.value)))
    with right:
        st.markdown(f"**{sweep.sentence(spec.value)}**")
        original = sweep.class_names[sweep.original]
        show_chart(sweep_figure([control.format(value) for value in sweep.values], sweep.original_share,
                                [sweep.flips(value) for value in sweep.values], sweep.position(spec.value),
                                original, control.label, two_classes=len(sweep.class_names) == 2),
                   key=f"fragility_chart_{key}")
        st.write(sweep.summary)
    st.caption(HOW[key])
