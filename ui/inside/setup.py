"""The model, photo and layer every section of the inside page works from."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import streamlit as st

from core.explain import feature_maps
from core.explain.feature_maps import FeatureMaps
from core.explain.layer_text import layer_option
from core.explain.model_answer import ModelAnswer, model_answer
from core.imaging.photo import Photo
from core.models import layers
from core.prediction.photo_answer import PhotoAnswer
from ui import resources
from ui.components.model_picker import model_picker
from ui.resources import inside as inside_resources
from ui.resources.classify import cached_photo_answer

#: The cache key of the untrained classic network (never a model folder's name: it has a space).
UNTRAINED_KEY = "classic (untrained)"

DEFAULT_CLASSES = ("cats", "dogs")


@dataclass(frozen=True, eq=False)
class ModelChoice:
    """The model the page looks inside, and what to call it."""

    key: str  # the model's name, or UNTRAINED_KEY: identifies it in every cache and widget key
    model: keras.Model
    class_names: tuple[str, ...]
    trained: bool
    title: str


@dataclass(frozen=True, eq=False)
class Inspection:
    """One model looking at one photo, at one chosen layer: what every section is drawn from."""

    choice: ModelChoice
    photo: Photo
    model_pixels: np.ndarray  # the photo resized to the model's input
    layer: str  # the chosen layer's path
    layer_paths: tuple[str, ...]  # every convolution and pooling layer
    conv_paths: tuple[str, ...]  # the plain Conv2D layers (the ones with filters to draw)
    answer: ModelAnswer
    photo_answer: PhotoAnswer | None = None  # a shipped model's answer: the very one the Classify page shows

    @property
    def model(self) -> keras.Model:
        return self.choice.model

    @property
    def model_key(self) -> str:
        return self.choice.key

    @property
    def photo_key(self) -> str:
        return self.photo.digest

    @property
    def input_size(self) -> tuple[int, int]:
        return int(self.model_pixels.shape[0]), int(self.model_pixels.shape[1])

    def maps(self, layer: str) -> FeatureMaps:
        """One layer's feature maps for the photo (computed on first use, then cached)."""
        return inside_resources.cached_feature_maps(self.model_key, self.photo_key, self.model, self.photo.pixels,
                                                    (layer,))[0]

    def all_maps(self) -> list[FeatureMaps]:
        """Every convolution and pooling layer's maps: only for the view that asks for them all."""
        return inside_resources.cached_feature_maps(self.model_key, self.photo_key, self.model, self.photo.pixels,
                                                    self.layer_paths)


def choose_model() -> ModelChoice:
    """The picked trained model, or the untrained classic network (also when nothing is trained yet)."""
    available = [info for info in resources.cached_model_list() if info.available]
    info = None
    if available:
        info = model_picker("Model", key="inside_model")
        use_untrained = st.toggle(
            "Use the classic network **untrained** instead (random weights, to compare)", key="inside_untrained",
        )
    else:
        st.info("No trained model is available yet, so this page shows the classic network **untrained** "
                "(random starting weights). Its filters and heat maps show no learned patterns yet.")
        use_untrained = True
    if use_untrained or info is None:
        choice = ModelChoice(UNTRAINED_KEY, inside_resources.cached_untrained_classic(), DEFAULT_CLASSES, False,
                             "Classic 4-block CNN, untrained (random weights)")
    else:
        try:
            model = resources.cached_model(info.name)
        except (ValueError, OSError) as error:
            st.error(f"The model {info.name!r} could not be loaded: {error}")
            st.stop()
        choice = ModelChoice(info.name, model, tuple(info.class_names), True, info.title)
    st.caption(f"Showing: **{choice.title}**")
    return choice


def choose_layer(model: keras.Model, model_key: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The layer picker: (chosen path, every feature layer, the plain convolutions). Stops on a model without any."""
    layer_paths = tuple(layers.feature_layer_paths(model))
    conv_paths = tuple(layers.conv_layer_paths(model, include_depthwise=False))
    if not layer_paths or not conv_paths:
        st.error("This model has no convolution layers to look inside.")
        st.stop()
    shapes = feature_maps.reported_shapes(model, layer_paths)
    # One remembered layer per model: layer names differ between models.
    layer = st.selectbox(
        "Layer", layer_paths, index=layer_paths.index(conv_paths[0]), key=f"inside_layer_{model_key}",
        format_func=lambda path: layer_option(model, path, shapes[path]),
        help="The first convolution layer looks at the pixels; deeper layers look at the maps made by earlier ones.",
    )
    return layer, layer_paths, conv_paths


def inspect(choice: ModelChoice, photo: Photo) -> Inspection:
    """Pick the layer and get the model's answer; each section computes only the maps it shows."""
    input_size = tuple(int(side) for side in choice.model.input_shape[1:3])
    model_pixels = resources.cached_model_pixels(photo.digest, input_size, photo.pixels)
    layer, layer_paths, conv_paths = choose_layer(choice.model, choice.key)
    photo_answer = None
    with st.spinner("Running the model on your photo…"):
        if choice.trained:  # one answer path: the Classify page's cache and record
            photo_answer = cached_photo_answer(choice.key, photo)
            probabilities = photo_answer.probabilities
        else:
            probabilities = inside_resources.cached_probabilities(choice.key, photo.digest, choice.model,
                                                                  photo.pixels)
    return Inspection(choice=choice, photo=photo, model_pixels=model_pixels, layer=layer, layer_paths=layer_paths,
                      conv_paths=conv_paths, answer=model_answer(choice.class_names, probabilities),
                      photo_answer=photo_answer)


def show_answer(inspection: Inspection) -> None:
    """The photo as the model sees it, beside the model's answer."""
    left, right = st.columns([1, 2])
    size = inspection.input_size
    with left:
        st.image(inspection.model_pixels,
                 caption=f"{inspection.photo.name}, as the model sees it ({size[0]}×{size[1]})", width="stretch",
                 alt=f"The photo {inspection.photo.name}, scaled to the model's {size[0]}×{size[1]} input"
                     + (f". {inspection.photo_answer.verdict}" if inspection.photo_answer is not None else ""))
    with right:
        if inspection.photo_answer is not None:
            st.markdown(f"#### {inspection.photo_answer.verdict}")
            st.write(inspection.photo_answer.summary)
        else:
            st.markdown(f"#### {inspection.answer.headline}")
        st.write(inspection.answer.breakdown)
        if not inspection.choice.trained:
            st.caption("Untrained: this answer is a coin toss, and so are the pictures below.")
