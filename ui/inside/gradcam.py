"""Section 3, "Where it looked" (first half): Grad-CAM heat maps for the predicted and the other class."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.explain import gradcam
from core.explain.captions import gradcam_source_sentence, gradcam_title
from core.figures import heatmaps
from ui.components.charts import show_chart
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources

INTRODUCTION = (
    "A **heat map** marks the parts of the photo that mattered for an answer. **Grad-CAM** asks, for "
    "the layer chosen below: if this map got a little stronger, would the "
    "score for *cat* (or *dog*) go up? Maps that help get a positive weight; the weighted maps are added "
    "up, and only the positive part is kept. Bright = pushed the model towards that class."
)

#: Heat maps drawn side by side: the predicted class and the strongest other one.
SHOWN = 2


@dataclass(frozen=True)
class GradCamSpec:
    layer: str
    opacity: float  # of the heat map over the photo; the saliency overlay uses it too


def read_spec(inspection: Inspection) -> GradCamSpec:
    cam_layers = gradcam.gradcam_layer_paths(inspection.model)
    layer = st.selectbox("Layer to explain", cam_layers,
                         index=cam_layers.index(gradcam.default_gradcam_layer(inspection.model)),
                         key=f"inside_cam_layer_{inspection.model_key}",
                         help="The default is the last convolution: coarse, but the most about classes.")
    opacity = st.slider("Heat-map opacity", 0.0, 1.0, 0.5, 0.05, key="inside_opacity")
    return GradCamSpec(layer, opacity)


def show(inspection: Inspection) -> GradCamSpec:
    """The Grad-CAM overlays; returns the settings, which the saliency part below reuses."""
    st.markdown(INTRODUCTION)
    spec = read_spec(inspection)
    st.markdown(gradcam_source_sentence(inspection.model, spec.layer))
    answer = inspection.answer
    with st.spinner("Computing Grad-CAM…"):
        results = [inside_resources.cached_grad_cam(inspection.model_key, inspection.photo_key, spec.layer, index,
                                                    inspection.model, inspection.photo.pixels, tuple(answer.names))
                   for index in answer.explained_order]
    for column, result in zip(st.columns(min(SHOWN, len(results))), results[:SHOWN]):
        with column:
            heat = gradcam.upsample(result.values, inspection.input_size)
            title = gradcam_title(answer.names[result.class_index], result.class_index == answer.predicted,
                                  result.probability)
            show_chart(heatmaps.overlay_figure(inspection.model_pixels, heat, spec.opacity, title),
                       key=f"inside_cam_{result.class_index}", alt=f"{title}. {result.caption}")
            st.caption(result.caption)
    if not inspection.choice.trained:
        st.warning("This model is untrained, so these heat maps show no real reasoning yet.")
    return spec
