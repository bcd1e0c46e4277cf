"""A photo as every page uses it: decoded once, upright, 8-bit RGB, at working size, with its digest and notes.

This is the one path from an upload's bytes to a photo: the Classify page, the
photo picker on every other page, live training and the dataset page all call
:func:`photo_from_bytes`. Nothing is written to disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from core.imaging.decode import decode_image
from core.imaging.digest import digest
from core.imaging.resize import thumbnail

#: File types the uploaders offer (the decoder checks the real content, not the name).
UPLOAD_TYPES = ("jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff", "heic", "heif")

#: Longest side, in pixels, of the copy of a photo the app keeps. Above the largest
#: model input (384×384, the transfer model) so no model ever gets an enlarged photo,
#: and enough for a photo shown full width on a projector or in Grad-CAM and for the
#: lab's real-pixel crops; a 12-megapixel phone photo (36 MB decoded) becomes 3.7 MB.
WORKING_SIDE = 1280

#: Hex characters of a photo id (40 bits): a collision among the few hundred photos a
#: server keeps at once is about one in ten million.
PHOTO_ID_LENGTH = 10


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo kept in memory for a session."""

    name: str
    pixels: np.ndarray  # (height, width, 3) uint8, upright, long side at most WORKING_SIDE from an upload
    source: str  # "upload", "camera", "demo" or "dataset"
    notes: tuple[str, ...] = ()
    digest: str = field(default="")
    #: (width, height) of the upright photo in its file, when the pixels are a smaller working copy.
    original_size: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", digest(self.pixels))

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def size_text(self) -> str:
        """'4032×3024 px (working copy 1280×960)', or '640×480 px' when the file's size is kept (width × height)."""
        kept = f"{self.width}×{self.height}"
        if self.original_size is None or tuple(self.original_size) == (self.width, self.height):
            return f"{kept} px"
        return f"{self.original_size[0]}×{self.original_size[1]} px (working copy {kept})"

    @property
    def photo_id(self) -> str:
        """A short id for links and the photo store: from the pixels' digest and the name.

        The name takes part so the same picture uploaded under two names stays two photos.
        """
        return hashlib.blake2b(f"{self.digest}:{self.name}".encode(), digest_size=8).hexdigest()[:PHOTO_ID_LENGTH]


def working_copy(pixels: np.ndarray, side: int = WORKING_SIDE) -> np.ndarray:
    """``pixels`` themselves when their long side is at most ``side``, else an area-averaged smaller copy."""
    if max(pixels.shape[:2]) <= side:
        return pixels
    return thumbnail(pixels, side)


def photo_from_bytes(name: str, data: bytes, source: str = "upload") -> Photo:
    """Decode an upload at working size; raises :class:`core.imaging.decode.ImageLoadError` with a one-line message.

    A JPEG is decoded by DCT scaling straight to the smallest size at least
    WORKING_SIDE on its short side (a 4032×3024 photo to 2016×1512), then area
    resized; the full-resolution array never exists for a JPEG and, for other
    formats, is dropped when this function returns.
    """
    decoded = decode_image(data, draft_size=(WORKING_SIDE, WORKING_SIDE))
    stored_width, stored_height = decoded.original_size
    # Orientations 5 to 8 store the photo sideways: its upright size is the stored one turned.
    upright = (stored_height, stored_width) if decoded.orientation >= 5 else (stored_width, stored_height)
    return Photo(name=name, pixels=working_copy(decoded.pixels), source=source, notes=tuple(decoded.notes),
                 original_size=upright)
