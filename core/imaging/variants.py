"""The same photo as a class might bring it: in greyscale, turned sideways, or as a 12-megapixel phone upload.

The "neither" score and the percentages are checked on these copies too, so an
answer that holds for a colour photo also holds for the same animal in black
and white, on its side, or sent at full phone resolution.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from core.imaging.photo import photo_from_bytes
from core.imaging.resize import to_grayscale

#: A phone's photo: 12 megapixels (4000×3000).
PHONE_MEGAPIXELS = 12.0


def greyscale(pixels: np.ndarray) -> np.ndarray:
    """The photo in black and white, still as three equal RGB channels (what a greyscale upload decodes to)."""
    grey = to_grayscale(pixels).astype(np.uint8)  # the one luma the app uses (whole numbers already)
    return np.repeat(grey[..., None], 3, axis=2)


def rotated(pixels: np.ndarray) -> np.ndarray:
    """The photo turned 90° (counter-clockwise): a sideways photo whose EXIF tag was lost."""
    return np.ascontiguousarray(np.rot90(pixels))


def phone_upload(pixels: np.ndarray, megapixels: float = PHONE_MEGAPIXELS) -> np.ndarray:
    """The photo enlarged to ``megapixels``, saved as a JPEG and decoded again as an upload is (the app's path)."""
    height, width = pixels.shape[:2]
    scale = (megapixels * 1e6 / (height * width)) ** 0.5
    enlarged = cv2.resize(np.ascontiguousarray(pixels, dtype=np.uint8), (round(width * scale), round(height * scale)),
                          interpolation=cv2.INTER_CUBIC)
    buffer = io.BytesIO()
    Image.fromarray(enlarged).save(buffer, "JPEG", quality=90)
    return photo_from_bytes("phone.jpg", buffer.getvalue()).pixels


#: Each copy by the name the cards and tables use.
VARIANTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "colour": lambda pixels: pixels,
    "greyscale": greyscale,
    "rotated": rotated,
    "phone upload": phone_upload,
}
