"""Every ``st.cache_*`` wrapper shared by several pages. Names start with ``cached_``.

Models are loaded once per server process (``st.cache_resource``) and shared by
every session; the functions that run them in ``core/`` are thread-safe. Page
specific caches live beside this file, one module per page.
"""

from __future__ import annotations

import gc

import keras
import numpy as np
import streamlit as st

from core.imaging.decode import ImageLoadError
from core.imaging.demo import DEFAULT_DEMO, demo_photo_bytes
from core.imaging.photo import Photo, photo_from_bytes
from core.imaging.resize import resize_for_model
from core.models import registry

_frozen = False


def freeze_garbage_once() -> None:
    """Move what exists now (libraries, cached models) out of the garbage collector's sight.

    Streamlit clears the Keras session and runs a full garbage collection after
    every rerun; with TensorFlow's millions of objects that took about a second.
    """
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


@st.cache_resource(show_spinner="Loading the model…")
def cached_model(name: str) -> keras.Model:
    """One loaded copy of each model per server process, shared by all sessions."""
    return registry.load_model(name)


@st.cache_data(show_spinner=False, ttl=60)
def cached_model_list() -> list[registry.ModelInfo]:
    return registry.list_models()


@st.cache_data(show_spinner=False, max_entries=4)
def cached_demo_photo(name: str = DEFAULT_DEMO) -> Photo:
    return photo_from_bytes(name, demo_photo_bytes(name), "demo")


@st.cache_data(show_spinner=False, max_entries=64)
def cached_photo(name: str, data: bytes, source: str) -> Photo | str:
    """Decode an upload once per file content; a one-line message instead of raising."""
    try:
        return photo_from_bytes(name, data, source)
    except ImageLoadError as error:
        return str(error)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_model_pixels(photo_key: str, size: tuple[int, int], _pixels: np.ndarray) -> np.ndarray:
    """The photo (identified by its digest) resized to a model's input once, not on every slider move or click."""
    return resize_for_model(_pixels, size)
