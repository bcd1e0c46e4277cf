"""One digest of a photo's bytes or pixels, used to key caches and to find duplicates."""

from __future__ import annotations

import hashlib

import numpy as np


def digest(data: bytes | np.ndarray) -> str:
    """A short content hash used as a cache key for photos."""
    raw = data.tobytes() if isinstance(data, np.ndarray) else data
    return hashlib.blake2b(raw, digest_size=12).hexdigest()
