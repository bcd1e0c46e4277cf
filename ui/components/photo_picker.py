"""THE photo picker: upload, camera or demo photo -> :class:`core.imaging.photo.Photo`.

Every page gets its photos here, through :func:`ui.resources.cached_photo`
(the one upload-to-photo path, backed by the server's photo store). The photo
the learner chooses becomes the session's photo, which follows them to the
other pages (:mod:`ui.session`).
"""

from __future__ import annotations

import streamlit as st

from core.imaging.demo import DEFAULT_DEMO, DEMO_PHOTOS
from core.imaging.photo import UPLOAD_TYPES, Photo
from ui import resources
from ui.components.messages import file_problem
from ui.session import (
    add_own_photo,
    current_photo,
    has_own_photo,
    own_photos,
    set_current_photo,
    set_own_photos,
    stored_photo,
)

KEEP_CURRENT = "(keep current)"
FOLLOW_LABEL = "Photo that follows you to the other pages"
OWN_PHOTOS_LABEL = "Your photos"


#: The photo ids of this session's uploaded files whose bytes were let go (file id -> photo id).
RELEASED_KEY = "released_uploads"
#: The most file ids remembered per session (a class uploads a few photos each; this bounds a script that uploads more).
MOST_RELEASED = 200
GONE = "This photo is no longer kept on the server (photos are forgotten after hours unused): upload it again."


def release_upload_bytes(upload, photo: Photo) -> None:
    """The photo is in the store: Streamlit's copy of the file (3 MB for a phone photo) is let go.

    The uploader keeps the file's name and id, with no bytes, so the learner
    still sees it listed; its photo is found again by that id.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    context = get_script_run_ctx()
    file_id = getattr(upload, "file_id", None)
    if context is None or file_id is None:
        return  # not in a session: nothing is held for one
    released = st.session_state.setdefault(RELEASED_KEY, {})
    released[file_id] = photo.photo_id
    while len(released) > MOST_RELEASED:
        released.pop(next(iter(released)))
    # The same file id with no bytes: Streamlit's manager replaces the record and its byte count.
    context.uploaded_file_mgr.add_file(
        context.session_id, UploadedFileRec(file_id=file_id, name=upload.name, type=upload.type, data=b""))


def photo_of_upload(upload, source: str = "upload", name: str | None = None) -> Photo | str:
    """The photo an uploaded file became (decoded once, then its bytes let go), or a one-line message."""
    photo_id = st.session_state.get(RELEASED_KEY, {}).get(getattr(upload, "file_id", None))
    if photo_id is not None and upload.size == 0:
        return stored_photo(photo_id) or GONE
    result = resources.cached_photo(name or upload.name, upload.getvalue(), source)
    if not isinstance(result, str):
        release_upload_bytes(upload, result)
    return result


def photos_from_uploads(uploads, source: str = "upload") -> list[Photo]:
    """Decode uploaded files; each bad one gets its one-line message and is left out."""
    photos = []
    for upload in uploads or []:
        result = photo_of_upload(upload, source)
        if isinstance(result, str):
            file_problem(upload.name, result)
        else:
            photos.append(result)
    return photos


def _forget_own_photos_when_emptied(key: str) -> None:
    """The learner removed every upload (or picked a demo photo): back to the demo photo."""
    if not st.session_state.get(key):
        set_own_photos([])


def photo_tabs(key: str, label: str = "Photos of cats or dogs (JPEG, PNG, WebP, HEIC, GIF, BMP, TIFF)"
               ) -> tuple[list[Photo], str]:
    """Upload / camera / demo tabs; returns the photos in the widgets now and the demo photo's name."""
    photos: list[Photo] = []
    upload_tab, camera_tab, demo_tab = st.tabs(["Upload photos", "Take a photo", "Demo photos"])
    with upload_tab:
        # Leaving the page empties the uploader without a change event; only the learner's own
        # removal of the files (a change) sends them back to the demo photo.
        uploads = st.file_uploader(label, type=list(UPLOAD_TYPES), accept_multiple_files=True,
                                   key=f"{key}_uploads", on_change=_forget_own_photos_when_emptied,
                                   args=(f"{key}_uploads",))
        photos.extend(photos_from_uploads(uploads))
    with camera_tab:
        # Behind a toggle so the browser does not ask for the camera on every visit.
        if st.toggle("Use my camera", key=f"{key}_camera_on",
                     help="Your browser asks for permission; the photo is never stored."):
            shot = st.camera_input("Take a photo", key=f"{key}_camera")
            if shot is not None:
                result = photo_of_upload(shot, "camera", "camera photo")
                if isinstance(result, str):
                    st.error(result)
                else:
                    photos.append(result)
    with demo_tab:
        demo_name = st.radio("Demo photo (used when nothing is uploaded)", list(DEMO_PHOTOS), key=f"{key}_demo",
                             index=list(DEMO_PHOTOS).index(DEFAULT_DEMO), horizontal=True,
                             on_change=set_own_photos, args=([],))
    return photos, demo_name


def follow(photo: Photo) -> None:
    """Make ``photo`` the session's photo unless it already is."""
    if not has_own_photo() or current_photo().photo_id != photo.photo_id:
        set_current_photo(photo)


def _follow_chosen(key: str, photos: dict[str, Photo]) -> None:
    chosen = photos.get(st.session_state.get(key))
    if chosen is not None:
        set_current_photo(chosen)


def choose_follower(photos: list[Photo], key: str, label: str = FOLLOW_LABEL, horizontal: bool = True) -> Photo:
    """A radio over several photos that picks the one following the learner; returns the current one.

    The radio always shows the current photo (it may have been chosen on another page).
    """
    by_id = {photo.photo_id: photo for photo in photos}
    current = current_photo().photo_id
    if current not in by_id:
        current = next(iter(by_id))
        set_current_photo(by_id[current])
    st.session_state[key] = current  # set before the widget is drawn: it then shows this photo
    st.radio(label, list(by_id), format_func=lambda photo_id: by_id[photo_id].name, key=key, horizontal=horizontal,
             on_change=_follow_chosen, args=(key, by_id))
    return by_id[current]


def _adopt_demo(key: str) -> None:
    name = st.session_state.get(key)
    if name in DEMO_PHOTOS:
        photo = resources.cached_demo_photo(name)
        add_own_photo(photo)
        set_current_photo(photo)
    st.session_state[key] = KEEP_CURRENT


def _adopt_upload(key: str) -> bool:
    """The expander's uploaded file, once per file: it joins the session's photos and follows the learner."""
    uploaded = st.file_uploader("Upload a photo", type=list(UPLOAD_TYPES), key=f"{key}_upload")
    seen_key = f"{key}_upload_seen"
    if uploaded is None or st.session_state.get(seen_key) == uploaded.file_id:
        return False
    st.session_state[seen_key] = uploaded.file_id
    new_photos = photos_from_uploads([uploaded])
    if not new_photos:
        return False
    add_own_photo(new_photos[0])
    set_current_photo(new_photos[0])
    return True


def photo_expander(key: str) -> Photo:
    """The session's photo, with an expander to choose among the learner's photos, upload another or pick a demo."""
    photo = current_photo()
    with st.expander(f"Photo: {photo.name} (change)", expanded=False):
        st.caption(f"Now showing **{photo.name}** · {photo.size_text}")
        own = own_photos()
        if len(own) > 1 or (own and own[0].photo_id != photo.photo_id):
            choose_follower(own if photo.photo_id in {p.photo_id for p in own} else [*own, photo], f"{key}_own",
                            label=OWN_PHOTOS_LABEL, horizontal=False)
        if _adopt_upload(key):
            st.rerun()  # draw the page (and this expander's label) with the new photo
        st.selectbox("…or a demo photo", [KEEP_CURRENT, *DEMO_PHOTOS], key=f"{key}_demo",
                     on_change=_adopt_demo, args=(f"{key}_demo",))
    return photo
