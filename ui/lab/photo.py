"""The "Real photo" view: the session's photo filtered with the lab's kernel, and a crop of its real pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.arithmetic import photo_filters, photo_lab
from core.arithmetic.photo_lab import COLOUR_CROP_SIDE, CROP_SIDE
from core.figures.number_grid import number_grid_figure
from core.imaging.photo import Photo
from ui.components import photo_picker
from ui.lab import state
from ui.lab.display import show_grid
from ui.resources import lab as lab_resources


@dataclass(frozen=True)
class CropSpec:
    """Where the crop starts in the kept photo (0-based)."""

    top: int
    left: int


def _read_crop(height: int, width: int) -> CropSpec:
    """The crop's position from the session (defaults: the middle), clamped to this photo, before its sliders."""
    for key, length in (("lab_crop_top", height), ("lab_crop_left", width)):
        st.session_state.setdefault(key, photo_lab.default_crop_start(length))
        st.session_state[key] = photo_lab.clamp_crop_start(st.session_state[key], length)
    return CropSpec(st.session_state["lab_crop_top"] - 1, st.session_state["lab_crop_left"] - 1)


def _load_crop(photo_name: str, patch: np.ndarray, crop: CropSpec) -> None:
    state.set_matrix("image", patch)
    st.session_state["lab_source_note"] = photo_lab.crop_note(photo_name, crop.top, crop.left)
    st.session_state["lab_view"] = "convolution"
    st.session_state["lab_conv_step"] = 1


def _load_colour_crop(colour_patch: np.ndarray) -> None:
    st.session_state["lab_rgb_image"] = colour_patch.tolist()
    st.session_state["lab_view"] = "colour"
    st.session_state["lab_rgb_step"] = 1


def photo_view() -> None:
    photo: Photo = photo_picker.photo_expander("lab_photo")
    kernel = state.matrix("kernel")
    filtered = lab_resources.cached_photo_filters(photo.digest, photo.pixels, tuple(map(tuple, kernel.tolist())))
    st.markdown(f"**{photo.name}** in grayscale, filtered with OpenCV (`cv2.filter2D`: the same sliding window, "
                "zero padding, no flip). Brighter means a stronger response, positive or negative; the strongest "
                "0.5 % are white.")
    gray = filtered.gray_full
    height, width = gray.shape
    if not photo_lab.can_crop(gray.shape):
        st.warning("This photo is smaller than 6×6 pixels, so there is nothing to crop.")
        return
    crop = _read_crop(height, width)
    upper = st.columns(2)
    upper[0].image(photo_lab.mark_crop(filtered.gray, crop.top, crop.left, filtered.scale),
                   caption="Before: grayscale (orange box: the crop below)", width="stretch",
                   alt=f"The photo in grayscale, with an orange box around the 6×6 crop at row {crop.top + 1}, "
                       f"column {crop.left + 1}, whose numbers are below")
    upper[1].image(filtered.kernel, caption="After: the lab's current kernel", width="stretch",
                   alt="The grayscale photo after the lab's current kernel: bright where the kernel's pattern is")
    lower = st.columns(2)
    lower[0].image(filtered.sobel_x, caption="Sobel x: vertical edges", width="stretch",
                   alt="The photo through the Sobel x kernel: bright along vertical edges")
    lower[1].image(filtered.sobel_y, caption="Sobel y: horizontal edges", width="stretch",
                   alt="The photo through the Sobel y kernel: bright along horizontal edges")
    st.markdown(f"**Real pixel values**: a 6×6 crop of the grayscale photo as the app keeps it, {photo.size_text}")
    left, right = st.columns([2, 3])
    with left:
        st.slider("Crop top (pixel row)", 1, height - CROP_SIDE + 1, key="lab_crop_top")
        st.slider("Crop left (pixel column)", 1, width - CROP_SIDE + 1, key="lab_crop_left")
        patch = photo_filters.crop(gray, crop.top, crop.left, CROP_SIDE).round()
        colour_patch = photo_filters.crop(photo.pixels, crop.top, crop.left, COLOUR_CROP_SIDE).astype(np.float64)
        st.button("Load this 6×6 crop into the lab", key="lab_crop_button", on_click=_load_crop,
                  args=(photo.name, patch, crop), type="primary")
        st.button("Load a 4×4 colour crop (RGB view)", key="lab_colour_crop_button", on_click=_load_colour_crop,
                  args=(colour_patch,))
    with right:
        show_grid(number_grid_figure(patch, title=f"Pixels at row {crop.top + 1}, column {crop.left + 1}",
                                     row_offset=crop.top, col_offset=crop.left, value_range=(0, 255), cell=44),
                  key="lab_crop_chart")
