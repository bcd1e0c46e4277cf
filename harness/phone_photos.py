"""Photos made like a phone's: a scene with red and yellow corner markers, EXIF orientation, grain, 12 MP.

The markers tell which way is up after the app applies the EXIF orientation; the
tests' image corpus (tests/support/image_corpus.py) and the benchmarks both build on them.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

# Colours of the scene: two markers on a background, far apart in every channel.
BACKGROUND = (70, 130, 190)
RED = (230, 30, 30)
YELLOW = (240, 220, 40)
WHITE = (255, 255, 255)

# Where the stored image's top-left (red) and top-right (yellow) markers end
# up once a viewer applies each EXIF orientation (TL = top-left, BR = bottom-right...).
# 1 as stored, 2 mirrored, 3 turned 180°, 4 flipped upside down, 5 mirrored
# along the main diagonal, 6 turned 90° clockwise, 7 mirrored along the other
# diagonal, 8 turned 90° counter-clockwise.
ORIENTATION_CORNERS: dict[int, tuple[str, str]] = {
    1: ("TL", "TR"),
    2: ("TR", "TL"),
    3: ("BR", "BL"),
    4: ("BL", "BR"),
    5: ("TL", "BL"),
    6: ("TR", "BR"),
    7: ("BR", "TR"),
    8: ("BL", "TL"),
}


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def exif_bytes(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def marker_scene(width: int = 60, height: int = 40, block: int = 12, smooth: bool = False) -> np.ndarray:
    """A non-square picture with a red block top-left and a yellow block top-right.

    ``smooth`` gives a gentle photo-like background (gradients and soft waves)
    instead of a flat colour.
    """
    if smooth:
        x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
        y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
        red = 60 + 120 * x + 20 * np.sin(6.0 * y)
        green = 90 + 100 * y + 25 * np.cos(5.0 * x)
        blue = 150 + 40 * np.sin(4.0 * x + 3.0 * y)
        pixels = np.stack(np.broadcast_arrays(red, green, blue), axis=-1).astype(np.uint8)
    else:
        pixels = np.empty((height, width, 3), np.uint8)
        pixels[...] = BACKGROUND
    pixels[:block, :block] = RED
    pixels[:block, width - block:] = YELLOW
    return pixels


def phone_photo_jpeg(width: int = 4000, height: int = 3000, orientation: int = 6, quality: int = 90,
                     grain: float = 0.0, seed: int = 0) -> bytes:
    """A phone-like JPEG: stored landscape ``width``×``height`` with an EXIF orientation tag.

    A smooth scene (gradients, soft waves) with the red/yellow corner markers
    a twentieth of the width wide, so a test can tell which way is up.
    ``grain`` adds seeded sensor-like noise (standard deviation in gray
    levels) so the file is as large and as slow to decode as a real photo.
    """
    pixels = marker_scene(width, height, block=max(2, width // 20), smooth=True)
    if grain > 0:
        noise = np.random.default_rng(seed).normal(0.0, grain, (height, width, 1)).astype(np.float32)
        pixels = np.clip(pixels + noise, 0, 255).astype(np.uint8)
    return encode(Image.fromarray(pixels), "JPEG", quality=quality, exif=exif_bytes(orientation))
