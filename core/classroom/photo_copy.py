"""The copies of a photo class mode stores: a 512-px JPEG and a small one for the board's grid, never the upload."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from core.classroom.limits import STORED_SIDE, THUMBNAIL_SIDE
from core.imaging.resize import resize_for_model


def _shrunk(pixels: np.ndarray, side: int) -> np.ndarray:
    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    scale = min(1.0, side / max(height, width))
    if scale == 1.0:
        return pixels
    return resize_for_model(pixels, (max(1, round(height * scale)), max(1, round(width * scale))))


def jpeg_copy(pixels: np.ndarray, side: int = STORED_SIDE, quality: int = 85) -> bytes:
    """An upright RGB photo as a JPEG whose long side is at most ``side`` (no EXIF, no metadata of the upload)."""
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8 or 0 in pixels.shape[:2]:
        raise ValueError(f"Expected (height, width, 3) uint8 pixels, got {pixels.shape} {pixels.dtype}.")
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(_shrunk(pixels, side))).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def stored_copies(pixels: np.ndarray) -> tuple[bytes, bytes]:
    """The 512-px copy for the large view and the 192-px one for the grid."""
    return jpeg_copy(pixels, STORED_SIDE), jpeg_copy(pixels, THUMBNAIL_SIDE, quality=80)
