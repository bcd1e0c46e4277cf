"""Resizing decoded photos: one resize for the app, training and every page."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.imaging.decode import DecodedImage, decode_image


def resize_for_model(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize an RGB uint8 array to ``size`` = (height, width), as training does.

    The whole photo is squeezed to the square (no cropping), like Keras'
    ``image_dataset_from_directory``. Area averaging when shrinking avoids the
    aliasing that plain bilinear sampling gives on large photos.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"Expected an (height, width, 3) RGB array, got shape {pixels.shape}.")
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise ValueError(f"The image has no pixels (shape {pixels.shape}).")
    height, width = int(size[0]), int(size[1])
    if height <= 0 or width <= 0:
        raise ValueError(f"Target size must be positive, got {size}.")
    if pixels.dtype != np.uint8:
        # Float or wide arrays in 0..255: round and clip rather than wrap around.
        pixels = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    if pixels.shape[:2] == (height, width):
        return pixels.copy()  # a new array, so editing the model input never edits the photo
    shrinking = pixels.shape[0] >= height and pixels.shape[1] >= width
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(np.ascontiguousarray(pixels), (width, height), interpolation=interpolation)


#: The longest side of every photo the shipped models learned from: ``cats_dogs`` was made by shrinking each photo
#: (Lanczos) to at most 256 px. A sharper photo is shrunk the same way before it reaches a network, so that
#: sharpness alone cannot change an answer (at native size, 70% of real phone photos were called "neither").
TRAINING_SIDE = 256


def as_training_photo(pixels: np.ndarray, side: int = TRAINING_SIDE) -> np.ndarray:
    """The photo as the training photos were made: its long side shrunk (Lanczos) to at most ``side`` pixels."""
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"Expected an (height, width, 3) RGB array, got shape {pixels.shape}.")
    height, width = pixels.shape[:2]
    if height == 0 or width == 0:
        raise ValueError(f"The image has no pixels (shape {pixels.shape}).")
    if max(height, width) <= side:
        return pixels
    if pixels.dtype != np.uint8:
        pixels = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    scale = side / max(height, width)
    shrunk = Image.fromarray(np.ascontiguousarray(pixels)).resize(
        (max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS)
    return np.asarray(shrunk)


def network_input(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """What a network receives: the photo shrunk as the training photos were, then squeezed to ``size``.

    The one path from a photo to a model's input, for every page, the command
    line, the "neither" score's fit and training itself.
    """
    return resize_for_model(as_training_photo(pixels), size)


def load_for_model(data: bytes, size: tuple[int, int]) -> tuple[DecodedImage, np.ndarray]:
    """Decode (fast JPEG draft mode) and resize to the model input ``size`` = (height, width).

    Returns the decoded photo (a JPEG one at reduced resolution, never smaller
    than ``size``) and the (height, width, 3) uint8 model input.
    """
    height, width = int(size[0]), int(size[1])
    if height <= 0 or width <= 0:
        raise ValueError(f"Target size must be positive, got {size}.")
    decoded = decode_image(data, draft_size=(width, height))
    return decoded, network_input(decoded.pixels, (height, width))


def to_grayscale(pixels: np.ndarray) -> np.ndarray:
    """Luma (ITU-R BT.601) of an RGB uint8 array, as float32 in 0..255."""
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"Expected an (height, width, 3) RGB array, got shape {pixels.shape}.")
    return cv2.cvtColor(np.ascontiguousarray(pixels, dtype=np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)


def thumbnail(pixels: np.ndarray, side: int = 160) -> np.ndarray:
    """A copy whose longer side is at most ``side`` pixels, keeping the proportions (galleries)."""
    if side < 1:
        raise ValueError(f"A thumbnail needs a side of at least 1 pixel, got {side}.")
    pixels = np.asarray(pixels)
    height, width = pixels.shape[:2]
    scale = side / max(height, width)
    if scale >= 1:
        return resize_for_model(pixels, (height, width))
    return resize_for_model(pixels, (max(1, round(height * scale)), max(1, round(width * scale))))


def load_thumbnail(data: bytes, side: int = 160) -> np.ndarray:
    """Decode a file straight to a thumbnail (JPEG draft mode: no full-size decode).

    Raises :class:`core.imaging.decode.ImageLoadError` for a file that is not a usable image.
    """
    decoded = decode_image(data, draft_size=(side, side))
    return thumbnail(decoded.pixels, side)
