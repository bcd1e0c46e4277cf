"""Session keys shared by several pages, and the session's photos.

A session keeps only photo ids; the photos themselves are in the server's photo
store (``resources.cached_photo_store``). The current photo's id is also in the
address bar (``?photo=<id>``) on every page, so a reload, or the same link opened
again while the server still keeps the photo, brings it back.
"""

from __future__ import annotations

import streamlit as st

from core.imaging.demo import DEMO_PHOTOS
from core.imaging.photo import Photo
from core.imaging.store import IDLE_SECONDS
from ui import resources

#: The id of the photo chosen on any page; it follows the learner to the other pages.
PHOTO_KEY = "photo"
#: Ids of the photos the learner picked this session (uploads, camera, demo photos chosen), in order.
PHOTOS_KEY = "photos"
#: The query parameter that carries the current photo's id.
PHOTO_PARAM = "photo"
#: The model chosen on any page (the model pickers start from it).
MODEL_KEY = "model_name"

_LINK_READ_KEY = "photo_link_read"

FORGOTTEN = (f"The photo from before is no longer kept on the server (photos are forgotten after "
             f"{IDLE_SECONDS // 3600:g} hours unused, or when the server restarts), so the demo photo is shown. "
             "Upload it again to go on with it.")


def stored_photo(photo_id: str) -> Photo | None:
    """The photo with this id: from the store, or a demo photo (always available); None when forgotten."""
    photo = resources.cached_photo_store().get(photo_id)
    if photo is not None:
        return photo
    for name in DEMO_PHOTOS:
        demo = resources.cached_demo_photo(name)
        if demo.photo_id == photo_id:
            resources.cached_photo_store().put(demo)
            return demo
    return None


def _read_link() -> None:
    """Once per session: take the photo named in the address bar, or say that it is gone."""
    if st.session_state.get(_LINK_READ_KEY):
        return
    st.session_state[_LINK_READ_KEY] = True
    photo_id = st.query_params.get(PHOTO_PARAM)
    if not photo_id or st.session_state.get(PHOTO_KEY) is not None:
        return
    photo = stored_photo(photo_id)
    if photo is None:
        st.info(FORGOTTEN)
        return
    st.session_state[PHOTO_KEY] = photo.photo_id
    if photo.source != "demo":
        st.session_state[PHOTOS_KEY] = [photo.photo_id]


def _current_id() -> str | None:
    _read_link()
    value = st.session_state.get(PHOTO_KEY)
    if isinstance(value, Photo):  # a photo put here directly (tests): keep it in the store, hold its id
        value = resources.cached_photo_store().put(value)
        st.session_state[PHOTO_KEY] = value
    return value


def current_photo() -> Photo:
    """The photo chosen on any page this session, or the demo photo."""
    photo_id = _current_id()
    photo = stored_photo(photo_id) if photo_id else None
    if photo is None:
        if photo_id:
            st.info(FORGOTTEN)
            del st.session_state[PHOTO_KEY]
        photo = resources.cached_demo_photo()
    return photo


def set_current_photo(photo: Photo) -> None:
    """Make ``photo`` the one that follows the learner, and write its id into the address bar."""
    st.session_state[PHOTO_KEY] = resources.cached_photo_store().put(photo)
    keep_photo_in_link()


def has_own_photo() -> bool:
    """True once the learner chose a photo (upload, camera or demo) this session."""
    return _current_id() is not None


def own_photos() -> list[Photo]:
    """The photos the learner picked this session that the server still keeps, in order."""
    _read_link()
    kept = []
    for photo_id in st.session_state.get(PHOTOS_KEY, []):
        photo = stored_photo(photo_id)
        if photo is not None:
            kept.append(photo)
    return kept


def set_own_photos(photos: list[Photo]) -> None:
    """Replace the session's photos (a new upload on Classify, or none to go back to the demo photo)."""
    store = resources.cached_photo_store()
    st.session_state[PHOTOS_KEY] = list(dict.fromkeys(store.put(photo) for photo in photos))


def add_own_photo(photo: Photo) -> None:
    """Add one photo to the session's photos (an upload or a demo photo chosen on another page)."""
    photo_id = resources.cached_photo_store().put(photo)
    ids = [existing for existing in st.session_state.get(PHOTOS_KEY, []) if existing != photo_id]
    st.session_state[PHOTOS_KEY] = [*ids, photo_id]


def keep_photo_in_link() -> None:
    """Put the current photo's id into the address bar (page switches and other links drop it)."""
    photo_id = _current_id()
    if photo_id and st.query_params.get(PHOTO_PARAM) != photo_id:
        st.query_params[PHOTO_PARAM] = photo_id
