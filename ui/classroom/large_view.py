"""One class photo shown large on the projector, beside the Grad-CAM of the model's answer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from core.classroom.board import BoardPhoto
from core.classroom.nicknames import plain_markdown
from core.classroom.tickets import ClassroomError, TeacherTicket
from core.explain.gradcam import default_gradcam_layer, overlay
from core.imaging.decode import ImageLoadError
from core.imaging.photo import photo_from_bytes
from core.prediction.answers import singular
from ui import resources
from ui.resources import inside as inside_resources
from ui.resources.classroom import cached_class_store


def _hide(ticket: TeacherTicket, photo_id: int, close: Callable[[], None]) -> None:
    try:
        cached_class_store().hide_photo(ticket.code, ticket.key, photo_id)
    except ClassroomError as error:
        st.session_state["class_large_error"] = str(error)
    close()


def large_photo(ticket: TeacherTicket, photo: BoardPhoto, close: Callable[[], None]) -> None:
    """The 512-px copy and where the model looked for its answer; "Hide this photo" and "Close"."""
    try:
        jpeg = cached_class_store().photo_jpeg(ticket.code, ticket.key, photo.photo_id)
        shown = photo_from_bytes(photo.name, jpeg, "class")
    except (ClassroomError, ImageLoadError) as error:
        st.warning(str(error))
        return
    with st.container(border=True):
        st.markdown(f"### {plain_markdown(photo.nickname)}: {plain_markdown(photo.caption)}")
        left, right = st.columns(2)
        left.image(shown.pixels, caption="The photo (the board's 512-pixel copy)", width="stretch",
                   alt=f"{plain_markdown(photo.nickname)}'s photo: {plain_markdown(photo.caption)}")
        with right:
            cam = _grad_cam(photo, shown)
            if cam is not None:
                st.image(cam[0], caption=cam[1], width="stretch", alt=cam[2])
        hide, close_column = st.columns(2)
        hide.button("Hide this photo", key="class_hide", on_click=_hide, args=(ticket, photo.photo_id, close),
                    help="Takes it off the board and out of the counts (the student still sees it).")
        close_column.button("Close", key="class_close_large", on_click=close)


def _grad_cam(photo: BoardPhoto, shown) -> tuple[np.ndarray, str, str] | None:
    """The overlay, its caption, and its text alternative (where the heat sits, from the map's numbers)."""
    infos = {info.name: info for info in resources.cached_model_list() if info.available}
    info = infos.get(photo.model_name)
    if info is None:
        st.caption(f"The model {photo.model_name!r} is not on this server, so there is no heat map.")
        return None
    model = resources.cached_model(info.name)
    names = [singular(name) for name in info.class_names]
    index = names.index(photo.best_guess) if photo.best_guess in names else 0
    with st.spinner("Computing Grad-CAM…"):
        cam = inside_resources.cached_grad_cam(info.name, shown.digest, default_gradcam_layer(model), index, model,
                                               shown.pixels, tuple(names))
        pixels = resources.cached_model_pixels(shown.digest, tuple(model.input_shape[1:3]), shown.pixels)
    return (overlay(pixels.astype(np.uint8), cam.values, 0.55),
            f"Grad-CAM: where the model looked for {names[cam.class_index]}", cam.caption)
