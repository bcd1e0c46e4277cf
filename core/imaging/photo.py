"""A photo as every page uses it: decoded once, upright, 8-bit RGB, with its digest and notes.

This is the one path from an upload's bytes to a photo: the Classify page, the
photo picker on every other page, live training and the dataset page all call
:func:`photo_from_bytes`. Nothing is written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.imaging.decode import decode_image
from core.imaging.digest import digest

#: File types the uploaders offer (the decoder checks the real content, not the name).
UPLOAD_TYPES = ("jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff", "heic", "heif")


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo kept in memory for a session."""

    name: str
    pixels: np.ndarray  # (height, width, 3) uint8, upright
    source: str  # "upload", "camera", "demo" or "dataset"
    notes: tuple[str, ...] = ()
    digest: str = field(default="")

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", digest(self.pixels))

    @property
    def size_text(self) -> str:
        """'4032×3024 px' (width × height)."""
        return f"{self.pixels.shape[1]}×{self.pixels.shape[0]} px"


def photo_from_bytes(name: str, data: bytes, source: str = "upload") -> Photo:
    """Decode an upload; raises :class:`core.imaging.decode.ImageLoadError` with a one-line message."""
    decoded = decode_image(data)
    return Photo(name=name, pixels=decoded.pixels, source=source, notes=tuple(decoded.notes))
