"""The smallest nudge that flips the answer (FGSM): the ε slider, the nudged photo, the nudge magnified, the new
answer and the curve over every ε tried."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.explain.fgsm import Nudge, levels
from core.figures.alt_text import nudge_alt, photo_answer_alt
from core.figures.fragility import sweep_figure
from ui.components.charts import show_chart
from ui.fragility.setup import Fragility
from ui.resources.fragility import cached_nudge

SLIDER_KEY = "fragility_epsilon"
#: One push is FGSM; five smaller ones (each a gradient of every nudged photo) find nudges one push misses.
PUSHES = {1: "One push (FGSM)", 5: "Five smaller pushes (slower)"}


@dataclass(frozen=True)
class NudgeSpec:
    """How far every number is pushed, in pixel levels (one of the nudges tried)."""

    epsilon: float
    steps: int = 1


def read_steps() -> int:
    return st.radio("How to push", list(PUSHES), format_func=PUSHES.get, horizontal=True, key="fragility_pushes",
                    help="Five pushes of 2.5·ε/5 each, every number kept within ε of the photo: the basic iterative "
                         "method. It follows the gradient as it turns, where one push goes straight.")


def read_spec(nudge: Nudge) -> NudgeSpec:
    # It opens on the smallest nudge that flips the answer (or the smallest nudge), so the point is seen at once.
    start = nudge.smallest_flip if nudge.smallest_flip is not None else nudge.epsilons[1]
    epsilon = st.select_slider("ε: how many pixel levels every number is pushed", options=list(nudge.epsilons),
                               value=start, format_func=lambda value: f"{value:g}", key=SLIDER_KEY)
    return NudgeSpec(float(epsilon), nudge.steps)


def show(context: Fragility) -> None:
    nudge = cached_nudge(context.model_name, context.photo.digest, read_steps(), context.photo.pixels)
    spec = read_spec(nudge)
    st.markdown(f"**{nudge.sentence(spec.epsilon)}**")
    nudged = nudge.nudged(spec.epsilon)
    difference, magnification = nudge.difference(spec.epsilon)
    columns = st.columns(3)
    columns[0].image(nudge.photo, caption=f"Unchanged: {nudge.said(0)}", width="stretch",
                     alt=photo_answer_alt("Your photo, unchanged", nudge.photo.shape, nudge.said(0)))
    columns[1].image(nudged, caption=f"Nudged by ε = {levels(spec.epsilon)}: {nudge.said(spec.epsilon)}",
                     width="stretch", alt=photo_answer_alt(f"Your photo nudged by ε = {levels(spec.epsilon)}",
                                                           nudged.shape, nudge.said(spec.epsilon)))
    columns[2].image(difference, width="stretch",
                     caption=(f"The nudge, magnified ×{magnification:.0f} (grey: no change; brighter: raised, "
                              "darker: lowered)") if spec.epsilon else "No nudge: nothing to magnify",
                     alt=nudge_alt(nudge.changes[nudge.position(spec.epsilon)], magnification))
    original = nudge.class_names[nudge.original]
    show_chart(sweep_figure([f"{value:g}" for value in nudge.epsilons], nudge.original_share,
                            [nudge.flips(value) for value in nudge.epsilons], nudge.position(spec.epsilon), original,
                            "ε (pixel levels)", two_classes=len(nudge.class_names) == 2), key="fragility_chart_nudge")
    st.write(nudge.summary)
    if nudge.smallest_flip is None and nudge.steps == 1:
        st.info(f"One push did not flip it. Try **{PUSHES[5]}** above: they follow the gradient as it turns.")
    st.caption("Each number of the photo is pushed up or down, whichever way lowers the model's score for its "
               "answer (the sign of the gradient: the fast gradient sign method), by at most ε levels, and rounded "
               "to whole numbers as a saved photo holds them. A model that holds its answer after one push may "
               "still give in to five smaller ones.")
