"""Section 3, "Where it looked" (beside Grad-CAM): occlusion, a grey square slid over the photo."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import streamlit as st

from core.explain import occlusion
from core.figures import heatmaps
from ui.components.charts import show_chart
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources

INTRODUCTION = (
    "**Occlusion** asks the model itself instead of its gradients: paint one part of the photo grey, run the "
    "network again and see how far the score for the class falls. A grey square slides across the photo; where "
    "covering it hurts most, that part mattered most. Every position costs one more run of the network."
)

#: The square's side as a share of the photo's side (the default, a quarter, comes from core).
PATCH_SHARES = (Fraction(1, 8), Fraction(1, 6), Fraction(1, 4), Fraction(1, 3), Fraction(1, 2))
#: How far the square moves each time, as a share of its own side.
STEPS = {"half the square (overlapping)": Fraction(1, 2), "the whole square (side by side)": Fraction(1)}


@dataclass(frozen=True)
class OcclusionSpec:
    patch: int  # the square's side, in pixels of the model's input
    stride: int  # how far it moves each time, in pixels


def read_spec(inspection: Inspection) -> OcclusionSpec:
    side = min(inspection.input_size)
    default = PATCH_SHARES.index(Fraction(occlusion.DEFAULT_PATCH_SHARE).limit_denominator(8))
    columns = st.columns(2)
    with columns[0]:
        share = st.select_slider(
            "Grey square's side", PATCH_SHARES, value=PATCH_SHARES[default], key="inside_occlusion_patch",
            format_func=lambda value: f"{value.numerator}/{value.denominator} of the photo ({pixels(side, value)} px)",
            help="A smaller square gives a finer map but needs more network runs.")
    with columns[1]:
        step = st.radio("Move it by", list(STEPS), key="inside_occlusion_step", horizontal=True,
                        help="Side by side needs about a quarter of the runs; overlapping gives a smoother map.")
    patch = pixels(side, share)
    return OcclusionSpec(patch, max(1, int(patch * STEPS[step])))


def pixels(side: int, share: Fraction) -> int:
    """The square's side in pixels for a photo side (at least 1)."""
    return max(1, round(side * share))


def show(inspection: Inspection, opacity: float) -> None:
    """Occlusion for the predicted class over the photo (at the Grad-CAM overlay's ``opacity``), and its raw drops."""
    st.markdown("##### Occlusion: cover a part, watch the score")
    st.markdown(INTRODUCTION)
    spec = read_spec(inspection)
    tops, lefts = occlusion.check_settings(inspection.input_size, spec.patch, spec.stride)
    predicted = inspection.answer.predicted
    name = inspection.answer.names[predicted]
    with st.spinner(f"Running the network on {len(tops) * len(lefts)} covered copies of the photo…"):
        result = inside_resources.cached_occlusion(inspection.model_key, inspection.photo_key, predicted, spec.patch,
                                                   spec.stride, inspection.model, inspection.photo.pixels,
                                                   tuple(inspection.answer.names))
    columns = st.columns(2)
    with columns[0]:
        show_chart(heatmaps.overlay_figure(inspection.model_pixels, result.values, opacity, f"Occlusion for {name}"),
                   key="inside_occlusion")
    with columns[1]:
        drops = result.details["drops"]
        limit = float(np.abs(drops).max())
        show_chart(heatmaps.drill_down_grid_figure(drops, f"How far the {name} score fell with each square covered",
                                                   signed=True, limit=limit, decimals=1),
                   key="inside_occlusion_drops")
        st.caption(occlusion.drops_sentence(result, inspection.answer.names))
    st.caption(result.caption)
