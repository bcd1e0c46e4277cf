"""The inside page's caches. Keyed by model name (or the untrained key), layer and the photo's digest.

Arguments that start with ``_`` are not hashed by Streamlit: the model and the
pixels are identified by ``model_key`` and ``photo_key`` instead.
"""

from __future__ import annotations

import keras
import numpy as np
import streamlit as st

from core.explain import activation_max, feature_maps, filters, gradcam, probe, saliency
from core.models import architectures


@st.cache_resource(show_spinner="Building the untrained classic network…")
def cached_untrained_classic() -> keras.Model:
    keras.utils.set_random_seed(0)  # the same random weights on every run
    return architectures.classic()


@st.cache_data(show_spinner=False, max_entries=16)
def cached_feature_maps(model_key: str, photo_key: str, _model: keras.Model, _pixels: np.ndarray
                        ) -> list[feature_maps.FeatureMaps]:
    return feature_maps.compute_feature_maps(_model, _pixels)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_probabilities(model_key: str, photo_key: str, _model: keras.Model, _pixels: np.ndarray) -> np.ndarray:
    """The photo's class probabilities, from the same probe (and logits) Grad-CAM and saliency explain.

    Computed from the logits in float64, so a confident model's other class
    stays a tiny positive number instead of a float32 sigmoid's exact 0.
    """
    logits = probe.get_probe(_model)(probe.model_input(_model, _pixels)).logits
    return gradcam.probabilities_from_logits(keras.ops.convert_to_numpy(logits))[0]


@st.cache_data(show_spinner=False, max_entries=32)
def cached_layer_io(model_key: str, photo_key: str, layer: str, _model: keras.Model, _pixels: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    return feature_maps.layer_input_output(_model, _pixels, layer)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_grad_cam(model_key: str, photo_key: str, layer: str, class_index: int, _model: keras.Model,
                    _pixels: np.ndarray) -> gradcam.GradCam:
    return gradcam.grad_cam(_model, _pixels, class_index=class_index, layer=layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_saliency(model_key: str, photo_key: str, class_index: int, samples: int, _model: keras.Model,
                    _pixels: np.ndarray) -> saliency.Saliency:
    return saliency.saliency_map(_model, _pixels, class_index=class_index, smooth_samples=samples)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_filters(model_key: str, layer: str, _model: keras.Model) -> tuple[filters.LayerFilters, filters.LayerFilters]:
    """The layer's filters and a freshly initialised copy of them."""
    return filters.get_filters(_model, layer), filters.untrained_filters(_model, layer)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_pattern(model_key: str, layer: str, channel: int, steps: int, _model: keras.Model
                   ) -> activation_max.ActivationMaximisation:
    return activation_max.maximise_activation(_model, layer, channel, steps=steps)
