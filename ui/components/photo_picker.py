"""THE photo picker: upload, camera or demo photo -> :class:`core.imaging.photo.Photo`.

Every page gets its photos here, through :func:`ui.resources.cached_photo`
(the one upload-to-photo path). The first photo picked becomes the session's
photo, which follows the learner to the other pages.
"""

from __future__ import annotations

import streamlit as st

from core.imaging.demo import DEFAULT_DEMO, DEMO_PHOTOS
from core.imaging.photo import UPLOAD_TYPES, Photo
from ui import resources
from ui.components.messages import file_problem
from ui.session import current_photo, has_own_photo, set_current_photo

KEEP_CURRENT = "(keep current)"


def photos_from_uploads(uploads, source: str = "upload") -> list[Photo]:
    """Decode uploaded files; each bad one gets its one-line message and is left out."""
    photos = []
    for upload in uploads or []:
        result = resources.cached_photo(upload.name, upload.getvalue(), source)
        if isinstance(result, str):
            file_problem(upload.name, result)
        else:
            photos.append(result)
    return photos


def photo_tabs(key: str, label: str = "Photos of cats or dogs (JPEG, PNG, WebP, HEIC, GIF, BMP, TIFF)"
               ) -> tuple[list[Photo], str]:
    """Upload / camera / demo tabs; returns the picked photos and the demo photo's name."""
    photos: list[Photo] = []
    upload_tab, camera_tab, demo_tab = st.tabs(["Upload photos", "Take a photo", "Demo photos"])
    with upload_tab:
        uploads = st.file_uploader(label, type=list(UPLOAD_TYPES), accept_multiple_files=True,
                                   key=f"{key}_uploads")
        photos.extend(photos_from_uploads(uploads))
    with camera_tab:
        # Behind a toggle so the browser does not ask for the camera on every visit.
        if st.toggle("Use my camera", key=f"{key}_camera_on",
                     help="Your browser asks for permission; the photo is never stored."):
            shot = st.camera_input("Take a photo", key=f"{key}_camera")
            if shot is not None:
                result = resources.cached_photo("camera photo", shot.getvalue(), "camera")
                if isinstance(result, str):
                    st.error(result)
                else:
                    photos.append(result)
    with demo_tab:
        demo_name = st.radio("Demo photo (used when nothing is uploaded)", list(DEMO_PHOTOS), key=f"{key}_demo",
                             index=list(DEMO_PHOTOS).index(DEFAULT_DEMO), horizontal=True)
    return photos, demo_name


def follow(photo: Photo) -> None:
    """Make ``photo`` the session's photo unless it already is."""
    current = current_photo()
    if not has_own_photo() or current.digest != photo.digest or current.name != photo.name:
        set_current_photo(photo)


def photo_expander(key: str) -> Photo:
    """The session's photo, with an expander to upload another or pick a demo photo right here."""
    photo = current_photo()
    with st.expander(f"Photo: {photo.name} (change)", expanded=False):
        uploaded = st.file_uploader("Upload a photo", type=list(UPLOAD_TYPES), key=f"{key}_upload")
        if uploaded is not None:
            new_photos = photos_from_uploads([uploaded])
            if new_photos and new_photos[0].name != photo.name:
                set_current_photo(new_photos[0])
                photo = new_photos[0]
        demo_choice = st.selectbox("…or a demo photo", [KEEP_CURRENT, *DEMO_PHOTOS], key=f"{key}_demo")
        if demo_choice != KEEP_CURRENT and demo_choice != photo.name:
            photo = resources.cached_demo_photo(demo_choice)
            set_current_photo(photo)
    return photo
