"""Widgets and cached resources that several pages share.

This is the only place besides the page modules that imports streamlit; it
holds no logic of its own beyond caching and session state.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core import registry
from core.demo import DEFAULT_DEMO, DEMO_PHOTOS, demo_photo_bytes
from core.images import ImageLoadError, decode_image

#: Extensions the uploaders accept (the decoder checks the real content).
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff", "heic", "heif"]

PHOTO_KEY = "photo"
MODEL_KEY = "model_name"


def _route_through_app() -> None:
    """Make a deep link on a freshly started server go through app.py.

    Streamlit treats a folder named ``pages/`` as an old-style multipage app
    until ``st.navigation`` has run once; a first visit straight to
    ``/lab`` would then run the page alone, with the wrong sidebar. Switching
    that mode off and rerunning lets app.py's navigation pick the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_route_through_app()

# Streamlit clears the Keras session and runs a full garbage collection after
# every rerun; with TensorFlow's millions of objects that took about a second.
# Freezing what exists now (libraries, cached models) makes it microseconds.
gc.collect()
gc.freeze()


@dataclass(frozen=True)
class Photo:
    """A decoded photo kept in the session (never on disk)."""

    name: str
    pixels: np.ndarray  # (height, width, 3) uint8, upright
    source: str  # "upload", "camera" or "demo"
    notes: tuple[str, ...] = ()


@st.cache_resource(show_spinner="Loading the model…")
def load_model_cached(name: str):
    """One loaded copy of each model per server process, shared by all sessions."""
    return registry.load_model(name)


@st.cache_data(show_spinner=False, ttl=60)
def list_models_cached() -> list[registry.ModelInfo]:
    return registry.list_models()


def model_picker(label: str = "Model", key: str = "model_picker", only_available: bool = True):
    """A model select box shared across pages; returns the chosen ``ModelInfo`` or None."""
    infos = list_models_cached()
    choices = [info for info in infos if info.available] if only_available else infos
    if not choices:
        st.error("No trained model is available. Train one with `python -m core.train --arch classic`.")
        return None
    names = [info.name for info in choices]
    current = st.session_state.get(MODEL_KEY)
    if current not in names:
        current = registry.default_model_name(choices) or names[0]
    by_name = {info.name: info for info in choices}
    chosen = st.selectbox(label, names, index=names.index(current), key=key,
                          format_func=lambda name: by_name[name].label)
    st.session_state[MODEL_KEY] = chosen
    unavailable = [info for info in infos if not info.available]
    for info in unavailable:
        st.caption(f"{info.title}: unavailable. {info.reason} Fix: `{info.fix_command}`")
    return by_name[chosen]


def decode_upload(name: str, data: bytes, source: str) -> Photo | None:
    """Decode an upload, showing a one-line error instead of a traceback."""
    try:
        decoded = decode_image(data)
    except ImageLoadError as error:
        st.error(f"**{name}**: {error}")
        return None
    return Photo(name=name, pixels=decoded.pixels, source=source, notes=decoded.notes)


@st.cache_data(show_spinner=False, max_entries=4)
def demo_photo(name: str = DEFAULT_DEMO) -> Photo:
    decoded = decode_image(demo_photo_bytes(name))
    return Photo(name=name, pixels=decoded.pixels, source="demo")


def current_photo() -> Photo:
    """The photo chosen on any page this session, or the demo photo."""
    photo = st.session_state.get(PHOTO_KEY)
    return photo if photo is not None else demo_photo()


def set_current_photo(photo: Photo) -> None:
    st.session_state[PHOTO_KEY] = photo


def photo_source(key: str) -> Photo:
    """Use the session's photo, or let the learner upload another one right here."""
    photo = current_photo()
    with st.expander(f"Photo: {photo.name} (change)", expanded=False):
        uploaded = st.file_uploader("Upload a photo", type=UPLOAD_TYPES, key=f"{key}_upload")
        if uploaded is not None:
            new_photo = decode_upload(uploaded.name, uploaded.getvalue(), "upload")
            if new_photo is not None and new_photo.name != photo.name:
                set_current_photo(new_photo)
                photo = new_photo
        demo_choice = st.selectbox("…or a demo photo", ["(keep current)", *DEMO_PHOTOS], key=f"{key}_demo")
        if demo_choice != "(keep current)" and demo_choice != photo.name:
            photo = demo_photo(demo_choice)
            set_current_photo(photo)
    return photo
