"""The photos to classify: the learner's uploads or camera shot, the photos picked before, else the demo photo."""

from __future__ import annotations

import streamlit as st

from core.imaging.photo import Photo
from ui import resources
from ui.components.photo_picker import choose_follower, follow, photo_tabs
from ui.session import own_photos, set_current_photo, set_own_photos

#: The ids of the photos in the uploader and camera last time: a new set replaces the session's photos.
BATCH_KEY = "classify_batch"


def picked_photos() -> list[Photo]:
    """Upload / camera / demo tabs (keys ``classify_*``) and, for several photos, which one follows; never empty.

    Back from another page (or after a reload) the uploader is empty, but the
    session's photos are still on the server: they are shown again, not the demo.
    """
    photos, demo_name = photo_tabs("classify")
    photos = list({photo.photo_id: photo for photo in photos}.values())  # the same file twice is one photo
    if photos:
        batch = [photo.photo_id for photo in photos]
        if batch != st.session_state.get(BATCH_KEY):
            st.session_state[BATCH_KEY] = batch
            set_own_photos(photos)
            set_current_photo(photos[0])  # a new upload follows the learner, first photo first
    else:
        st.session_state.pop(BATCH_KEY, None)
        photos = own_photos()
        if photos:
            st.caption(f"Showing the {'photo' if len(photos) == 1 else f'{len(photos)} photos'} you chose before. "
                       "Upload others, or pick a demo photo, to change.")
    if not photos:
        photos = [resources.cached_demo_photo(demo_name)]
        st.info(f"No photo uploaded yet: showing the demo photo **{demo_name}**.")
    if len(photos) > 1:
        choose_follower(photos, "classify_follow")
    else:
        # One photo follows the learner (on a first visit the demo photo too, so the
        # other pages open the photo classified here).
        follow(photos[0])
    return photos
