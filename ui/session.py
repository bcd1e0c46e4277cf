"""Session keys shared by several pages, and the session's current photo."""

from __future__ import annotations

import streamlit as st

from core.imaging.photo import Photo
from ui import resources

#: The photo chosen on any page; it follows the learner to the other pages.
PHOTO_KEY = "photo"
#: The model chosen on any page (the model pickers start from it).
MODEL_KEY = "model_name"


def current_photo() -> Photo:
    """The photo chosen on any page this session, or the demo photo."""
    photo = st.session_state.get(PHOTO_KEY)
    return photo if photo is not None else resources.cached_demo_photo()


def set_current_photo(photo: Photo) -> None:
    st.session_state[PHOTO_KEY] = photo


def has_own_photo() -> bool:
    """True once the learner chose a photo (upload, camera or demo) this session."""
    return st.session_state.get(PHOTO_KEY) is not None
