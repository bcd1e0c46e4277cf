"""Section 3, "Where it looked" (second half): the saliency map, pixel by pixel."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.figures import heatmaps
from ui.components.charts import show_chart
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources

INTRODUCTION = (
    "The **saliency map** asks the same question pixel by pixel: how much would the score change if "
    "this one pixel changed a little? It has the photo's full resolution but is noisier than Grad-CAM."
)

#: Noisy copies averaged by SmoothGrad when smoothing is on.
SMOOTH_SAMPLES = 8


@dataclass(frozen=True)
class SaliencySpec:
    samples: int  # 0: the plain gradient; more: SmoothGrad over that many noisy copies


def read_spec() -> SaliencySpec:
    smooth = st.toggle(f"Smooth it (average {SMOOTH_SAMPLES} noisy copies, SmoothGrad)", key="inside_smooth")
    return SaliencySpec(SMOOTH_SAMPLES if smooth else 0)


def show(inspection: Inspection, opacity: float) -> None:
    """Saliency for the predicted class, alone and over the photo (at the Grad-CAM overlay's ``opacity``)."""
    st.markdown("##### Saliency: which pixels matter most")
    st.markdown(INTRODUCTION)
    spec = read_spec()
    predicted = inspection.answer.predicted
    with st.spinner("Computing saliency…"):
        result = inside_resources.cached_saliency(inspection.model_key, inspection.photo_key, predicted, spec.samples,
                                                  inspection.model, inspection.photo.pixels,
                                                  tuple(inspection.answer.names))
    columns = st.columns(2)
    with columns[0]:
        show_chart(heatmaps.saliency_figure(result.values, f"Saliency for {inspection.answer.names[predicted]}"),
                   key="inside_saliency", alt=result.caption)
    with columns[1]:
        show_chart(heatmaps.overlay_figure(inspection.model_pixels, result.values, opacity, "Saliency on the photo"),
                   key="inside_saliency_overlay", alt=f"Saliency over the photo. {result.caption}")
    st.caption(result.caption)
