"""Small generated photos: one encoded file in memory, or a folder of class subfolders on disk (for tests)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def make_photo_bytes(width: int = 64, height: int = 48, color=(200, 120, 40), fmt: str = "JPEG") -> bytes:
    """A small generated photo (a gradient with a bright square), encoded in ``fmt``."""
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[..., 0] = (x * 255 // max(width - 1, 1)).astype(np.uint8)
    pixels[..., 1] = (y * 255 // max(height - 1, 1)).astype(np.uint8)
    pixels[..., 2] = 90
    pixels[height // 4: height // 2, width // 4: width // 2] = color
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def make_class_folder(root: Path, classes=("cats", "dogs"), per_class: int = 10, size: int = 40) -> Path:
    """A folder of class subfolders with generated, class-distinct photos."""
    rng = np.random.default_rng(0)
    for index, name in enumerate(classes):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(per_class):
            pixels = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
            pixels[..., index % 3] += 150  # each class leans to its own colour
            Image.fromarray(pixels).save(folder / f"{name}_{number:03d}.png")
    return root
