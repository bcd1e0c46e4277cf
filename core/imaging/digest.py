"""One digest of a photo's bytes or pixels, used to key caches and to find duplicates."""

from __future__ import annotations

import hashlib

import numpy as np


def digest(data: bytes | np.ndarray) -> str:
    """A short content hash used as a cache key for photos.

    For pixels the shape and type are hashed too: a 40×60 and a 60×40 photo
    can hold the same bytes in memory, yet they are different photos.
    """
    if isinstance(data, np.ndarray):
        raw = f"{data.shape}:{data.dtype.str}:".encode() + data.tobytes()  # tobytes() is C order, views too
    else:
        raw = bytes(data)
    return hashlib.blake2b(raw, digest_size=12).hexdigest()
