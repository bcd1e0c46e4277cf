"""The lab's real-photo view: a photo filtered with the lab's kernel and with Sobel, and a crop of real pixels."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.arithmetic.photo_filters import filter_image, response_to_uint8
from core.arithmetic.presets import SOBEL_X, SOBEL_Y
from core.imaging.resize import thumbnail, to_grayscale

#: The crop loaded into the convolution view, and the colour crop loaded into the RGB view.
CROP_SIDE = 6
COLOUR_CROP_SIDE = 4
#: The filtered photos are shown at most this many pixels a side (filtering a 12-megapixel photo is slow).
DISPLAY_SIDE = 480
#: The strongest 0.5 % of responses are drawn white.
PHOTO_PERCENTILE = 99.5
#: The crop's box is drawn at least this big on the shrunk photo, so it shows.
MIN_BOX = 10
BOX_COLOUR = (230, 159, 0)  # the grids' Okabe-Ito orange


@dataclass(frozen=True, eq=False)
class FilteredPhoto:
    """A photo in grayscale at full size (for crops) and shrunk, and the shrunk one filtered three ways."""

    gray_full: np.ndarray  # float32, 0..255, full size
    scale: float  # shrunk size / full size (1 when the photo was small already)
    gray: np.ndarray  # uint8, shrunk
    kernel: np.ndarray  # uint8 response to the lab's kernel
    sobel_x: np.ndarray
    sobel_y: np.ndarray


def filter_photo(pixels: np.ndarray, kernel: np.ndarray, display_side: int = DISPLAY_SIDE,
                 percentile: float = PHOTO_PERCENTILE) -> FilteredPhoto:
    """Grayscale, shrink for display, then cross-correlate with ``kernel`` and with Sobel x / y (OpenCV)."""
    gray_full = to_grayscale(pixels)
    small = to_grayscale(thumbnail(pixels, display_side))
    scale = min(display_side / max(gray_full.shape), 1.0)

    def response(weights: object) -> np.ndarray:
        return response_to_uint8(filter_image(small, np.asarray(weights, dtype=np.float64)), percentile)

    return FilteredPhoto(gray_full=gray_full, scale=scale, gray=np.clip(small, 0, 255).astype(np.uint8),
                         kernel=response(kernel), sobel_x=response(SOBEL_X), sobel_y=response(SOBEL_Y))


def can_crop(shape: tuple[int, ...], side: int = CROP_SIDE) -> bool:
    return shape[0] >= side and shape[1] >= side


def default_crop_start(length: int, side: int = CROP_SIDE) -> int:
    """The 1-based first row (or column) of a crop in the middle."""
    return (length - side) // 2 + 1


def clamp_crop_start(start: int, length: int, side: int = CROP_SIDE) -> int:
    """A 1-based first row (or column) kept where the whole crop fits."""
    return min(max(int(start), 1), length - side + 1)


def mark_crop(gray: np.ndarray, top: int, left: int, scale: float, side: int = CROP_SIDE) -> np.ndarray:
    """The shrunk photo in RGB with an orange box (black outline) where the crop is; top/left are full-size, 0-based."""
    rgb = np.repeat(np.asarray(gray, dtype=np.uint8)[..., None], 3, axis=2).copy()
    size = max(int(round(side * scale)), MIN_BOX)
    y, x = int(top * scale), int(left * scale)
    cv2.rectangle(rgb, (x - 2, y - 2), (x + size + 2, y + size + 2), (0, 0, 0), 4)
    cv2.rectangle(rgb, (x - 2, y - 2), (x + size + 2, y + size + 2), BOX_COLOUR, 2)
    return rgb


def crop_note(photo_name: str, top: int, left: int, side: int = CROP_SIDE) -> str:
    """Where a loaded crop came from (top/left 0-based)."""
    return f"{side}×{side} crop of {photo_name} (grayscale) at pixel row {top + 1}, column {left + 1}."
