"""Every ``st.cache_*`` wrapper shared by several pages. Names start with ``cached_``.

Models are loaded once per server process (``st.cache_resource``) and shared by
every session; the functions that run them in ``core/`` are thread-safe. Page
specific caches live beside this file, one module per page.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from core.imaging.decode import ImageLoadError
from core.imaging.decode_slots import DecodeSlots
from core.imaging.demo import DEFAULT_DEMO, demo_photo_bytes
from core.imaging.photo import Photo, photo_from_bytes
from core.imaging.resize import network_input
from core.imaging.store import PhotoStore
from core.models import registry

if TYPE_CHECKING:
    import keras

    from core.prediction.photo_answer import AnswerTools

def freeze_loaded_objects() -> None:
    """Move what exists now (TensorFlow, a model just loaded) out of the garbage collector's sight.

    Streamlit runs a full garbage collection after every rerun; over TensorFlow's millions of
    objects that took about a second, and those objects live as long as the process.
    """
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner="Loading the model…")
def cached_model(name: str) -> keras.Model:
    """One loaded copy of each model per server process, shared by all sessions.

    Its prediction graph is traced here too, under the same spinner, so the
    first student's photo does not pay for it (and no session ever traces again).
    """
    # TensorFlow is imported here, under the spinner, once the page's title and uploader are drawn.
    from core.prediction.features import feature_extractor

    model = registry.load_model(name)
    feature_extractor(model)  # the one traced run every page's answer goes through
    freeze_loaded_objects()
    return model


@st.cache_resource(show_spinner="Loading the model's calibration and \"neither\" score…")
def cached_answer_tools(name: str) -> AnswerTools:
    """A model's temperature, "not sure" rule and fitted "neither" score, once per server process.

    One dummy photo is answered here too, so the run that returns the logits and
    features is traced under this spinner and not on the first student's photo.
    """
    from core.prediction.photo_answer import answer_pixels, answer_tools

    info = cached_model_info(name)
    tools = answer_tools(info)
    model = cached_model(name)
    answer_pixels(model, tools, [("warm-up", np.zeros((*model.input_shape[1:3], 3), np.uint8))])
    return tools


@st.cache_data(show_spinner=False, ttl=60)
def cached_model_list() -> list[registry.ModelInfo]:
    return registry.list_models()


def cached_model_info(name: str) -> registry.ModelInfo:
    """The card the model picker listed (the same list every page picks from), without reading it again."""
    return next((info for info in cached_model_list() if info.name == name), None) or registry.get_model_info(name)


@st.cache_resource(show_spinner=False)
def cached_demo_photo(name: str = DEFAULT_DEMO) -> Photo:
    """Each demo photo decoded once per server process (a few hundred KB each)."""
    return photo_from_bytes(name, demo_photo_bytes(name), "demo")


@st.cache_resource(show_spinner=False)
def cached_photo_store() -> PhotoStore:
    """The server's one photo store, shared by every session (bounded in bytes and idle time)."""
    return PhotoStore()


@st.cache_resource(show_spinner=False)
def cached_decode_slots() -> DecodeSlots:
    """As many uploads decoded at once as the server has cores, for every session together."""
    return DecodeSlots()


def cached_photo(name: str, data: bytes, source: str) -> Photo | str:
    """Decode an upload once per file content (kept in the photo store); a one-line message instead of raising."""
    slots = cached_decode_slots()
    try:
        return cached_photo_store().from_upload(name, data, source,
                                                lambda *upload: slots.run(photo_from_bytes, *upload))
    except ImageLoadError as error:
        return str(error)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_model_pixels(photo_key: str, size: tuple[int, int], _pixels: np.ndarray) -> np.ndarray:
    """The photo (identified by its digest) resized to a model's input once, not on every slider move or click."""
    return network_input(_pixels, size)
