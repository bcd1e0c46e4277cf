"""The photos to classify: the learner's uploads or camera shot, else the chosen demo photo."""

from __future__ import annotations

import streamlit as st

from core.imaging.photo import Photo
from ui import resources
from ui.components.photo_picker import follow, photo_tabs


def picked_photos() -> list[Photo]:
    """Upload / camera / demo tabs (keys ``classify_*``); never empty."""
    photos, demo_name = photo_tabs("classify")
    if not photos:
        photos = [resources.cached_demo_photo(demo_name)]
        st.info(f"No photo uploaded yet: showing the demo photo **{demo_name}**.")
    # The first photo follows the learner to the other pages (on a first visit
    # the demo photo too, so they open the photo classified here).
    follow(photos[0])
    return photos
