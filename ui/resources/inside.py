"""The inside page's caches. Keyed by model name (or the untrained key), layer and the photo's digest.

Arguments that start with ``_`` are not hashed by Streamlit: the model and the
pixels are identified by ``model_key`` and ``photo_key`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import keras
import numpy as np
import streamlit as st

from core.caching import BoundedCache
from core.data.files import default_data_dir
from core.explain import activation_max, feature_maps, filters, gradcam, occlusion, saliency
from core.explain.heat_map import HeatMap
from core.explain.nearest_photos import NearestPhotos, Neighbour, nearest_photos, photo_features, thumbnail
from core.explain.neighbour_bank import NeighbourBank, card_bank
from core.explain.scores import probabilities_from_logits
from core.models import architectures, probe
from core.prediction.answers import singular
from ui import resources

#: Bytes of explanations (feature maps, heat maps, gradients) one server process keeps for all its
#: sessions: about ten photos' maps of every transfer-model layer (15 MB each), or a class's
#: chosen-layer maps, Grad-CAMs and saliency maps. Streamlit's own caches count entries, not bytes.
EXPLANATIONS_MAX_BYTES = 192 * 1024 * 1024
#: An explanation nobody looked at for half an hour is recomputed if asked for again (it takes < 1 s).
EXPLANATIONS_IDLE_SECONDS = 30 * 60


@st.cache_resource(show_spinner=False)
def explanations() -> BoundedCache:
    """The one explanations cache of this process, shared by every session (values are never edited)."""
    return BoundedCache(EXPLANATIONS_MAX_BYTES, EXPLANATIONS_IDLE_SECONDS)


@st.cache_resource(show_spinner="Building the untrained classic network…")
def cached_untrained_classic() -> keras.Model:
    keras.utils.set_random_seed(0)  # the same random weights on every run
    return architectures.classic()


def cached_feature_maps(model_key: str, photo_key: str, _model: keras.Model, _pixels: np.ndarray,
                        layers: Sequence[str] | None = None) -> list[feature_maps.FeatureMaps]:
    """The feature maps of ``layers`` (default: every convolution and pooling layer)."""
    key = ("feature_maps", model_key, photo_key, None if layers is None else tuple(layers))
    return explanations().get_or_compute(key, lambda: feature_maps.compute_feature_maps(_model, _pixels, layers))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_probabilities(model_key: str, photo_key: str, _model: keras.Model, _pixels: np.ndarray) -> np.ndarray:
    """An untrained network's class probabilities (a shipped model's come from the Classify page's answer).

    Computed from the logits in float64, so a confident model's other class
    stays a tiny positive number instead of a float32 sigmoid's exact 0.
    """
    logits = probe.get_probe(_model)(probe.model_input(_model, _pixels)).logits
    return probabilities_from_logits(keras.ops.convert_to_numpy(logits))[0]


def cached_layer_io(model_key: str, photo_key: str, layer: str, _model: keras.Model, _pixels: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    return explanations().get_or_compute(("layer_io", model_key, photo_key, layer),
                                         lambda: feature_maps.layer_input_output(_model, _pixels, layer))


def cached_grad_cam(model_key: str, photo_key: str, layer: str, class_index: int, _model: keras.Model,
                    _pixels: np.ndarray, class_names: tuple[str, ...] = ()) -> HeatMap:
    """Grad-CAM, keyed on the singular names, so "dogs" (a card) and "dog" (an answer) share one entry."""
    class_names = tuple(singular(name) for name in class_names)
    return explanations().get_or_compute(
        ("grad_cam", model_key, photo_key, layer, class_index, class_names),
        lambda: gradcam.explain(_model, _pixels, class_index, layer=layer, class_names=class_names))


def cached_saliency(model_key: str, photo_key: str, class_index: int, samples: int, _model: keras.Model,
                    _pixels: np.ndarray, class_names: tuple[str, ...] = ()) -> HeatMap:
    return explanations().get_or_compute(
        ("saliency", model_key, photo_key, class_index, samples, class_names),
        lambda: saliency.explain(_model, _pixels, class_index, smooth_samples=samples, class_names=class_names))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_filters(model_key: str, layer: str,
                   _model: keras.Model) -> tuple[filters.LayerFilters, filters.LayerFilters]:
    """The layer's filters and a freshly initialised copy of them."""
    return filters.get_filters(_model, layer), filters.untrained_filters(_model, layer)


def cached_pattern(model_key: str, layer: str, channel: int, steps: int, _model: keras.Model
                   ) -> activation_max.ActivationMaximisation:
    return explanations().get_or_compute(
        ("pattern", model_key, layer, channel, steps),
        lambda: activation_max.maximise_activation(_model, layer, channel, steps=steps))


def cached_occlusion(model_key: str, photo_key: str, class_index: int, patch: int, stride: int, _model: keras.Model,
                     _pixels: np.ndarray, class_names: tuple[str, ...] = ()) -> HeatMap:
    """Occlusion with a ``patch``-pixel square moved ``stride`` pixels (its caption keeps the first run's time)."""
    return explanations().get_or_compute(
        ("occlusion", model_key, photo_key, class_index, patch, stride, class_names),
        lambda: occlusion.explain(_model, _pixels, class_index, patch=patch, stride=stride, class_names=class_names))


@st.cache_resource(show_spinner="Loading the training photos' features…")
def _cached_bank(model_name: str, entry: str) -> NeighbourBank | None:
    return card_bank(resources.cached_model_info(model_name))


def cached_neighbour_bank(model_name: str) -> NeighbourBank | None:
    """A model's bank of training features (core.explain.neighbour_bank), once per process and card entry.

    Keyed on the card's "neighbours" entry, so a rebuilt bank (a new entry) is loaded again; the card comes from
    the model list every page already holds, so a rerun reads no file. The bank's arrays are read-only, so every
    session searches the same copy.
    """
    entry = resources.cached_model_info(model_name).card.get("neighbours") or {}
    return _cached_bank(model_name, json.dumps(entry, sort_keys=True))


def cached_nearest_photos(model_key: str, photo_key: str, count: int, answer: str, best_guess: int,
                          _model: keras.Model, _pixels: np.ndarray, _bank: NeighbourBank) -> NearestPhotos:
    """The photo's nearest training photos: its features are cached, the search (1–8 ms, bench/explain.py) is not."""
    features = explanations().get_or_compute(("nearest_features", model_key, photo_key),
                                             lambda: photo_features(_model, _pixels))
    return nearest_photos(_bank, features, answer, best_guess, default_data_dir(), count)


def cached_neighbour_thumbnail(neighbour: Neighbour) -> np.ndarray | None:
    """A nearest training photo decoded straight to a thumbnail (core.explain.nearest_photos.thumbnail), or None.

    Only a file the search resolved inside the data folder is read; thumbnails, never
    the full photos, are what the explanations cache keeps.
    """
    if neighbour.path is None:
        return None
    return explanations().get_or_compute(("nearest_thumbnail", str(neighbour.path)), lambda: thumbnail(neighbour))
