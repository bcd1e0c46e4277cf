"""The server's photos: one bounded, thread-safe store shared by every session, keyed by photo id.

A session keeps only photo ids (a few bytes each); the pixels live here once,
however many pages, reruns or sessions use them. The store forgets the least
recently used photos when they would take more than ``max_bytes``, and any photo
nobody used for ``idle_seconds``. An upload's bytes are decoded once: the store
remembers which photo a file's content became.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.caching import BoundedCache
from core.imaging.digest import digest
from core.imaging.photo import Photo

#: Bytes of pixels kept per server process. A 12-megapixel photo's working copy
#: is 3.7 MB, so this holds about 70 of them: two photos for each of 30 students
#: and the teacher, on a 24 GB machine where the models take a few GB.
MAX_BYTES = 256 * 1024 * 1024

#: A photo nobody looked at for this long is forgotten: a double lesson (2 hours).
IDLE_SECONDS = 2 * 60 * 60

#: File digests remembered before those of forgotten photos are cleared (about 100 bytes each).
UPLOADS_REMEMBERED = 4096


class PhotoStore:
    """Photos by id, least recently used first; every method may be called from any thread."""

    def __init__(self, max_bytes: int = MAX_BYTES, idle_seconds: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_bytes <= 0:
            raise ValueError(f"The photo store needs a positive size in bytes, got {max_bytes}.")
        if idle_seconds <= 0:
            raise ValueError(f"The photo store needs a positive idle time in seconds, got {idle_seconds}.")
        self._photos = BoundedCache(max_bytes, idle_seconds, clock)
        self._lock = threading.Lock()
        self._uploads: dict[tuple[str, str, str], str] = {}  # (file digest, name, source) -> photo id

    @property
    def max_bytes(self) -> int:
        return self._photos.max_bytes

    @property
    def idle_seconds(self) -> float:
        return self._photos.idle_seconds

    def __len__(self) -> int:
        return len(self._photos)

    def __contains__(self, photo_id: object) -> bool:
        return photo_id in self._photos

    @property
    def total_bytes(self) -> int:
        """Bytes of pixels held now."""
        return self._photos.total_bytes

    def put(self, photo: Photo) -> str:
        """Keep ``photo`` (as the most recently used) and return its id."""
        size = int(photo.pixels.nbytes)
        if size > self.max_bytes:
            raise ValueError(f"A photo of {size:,} bytes does not fit in a photo store of {self.max_bytes:,} bytes.")
        self._photos.put(photo.photo_id, photo, size)
        return photo.photo_id

    def get(self, photo_id: str) -> Photo | None:
        """The photo with this id (now the most recently used), or None when it was never kept or is forgotten."""
        return self._photos.get(photo_id)

    def from_upload(self, name: str, data: bytes, source: str, decode: Callable[[str, bytes, str], Photo]) -> Photo:
        """The photo these file bytes became, decoding them with ``decode`` only the first time.

        ``decode`` runs outside the lock (it takes tens of milliseconds), so two
        sessions uploading the same file at the same moment may both decode it;
        they still get one entry, as both photos have the same id. Errors from
        ``decode`` reach the caller and nothing is kept.
        """
        key = (digest(data), name, source)
        with self._lock:
            known = self._uploads.get(key)
        if known is not None:
            photo = self.get(known)
            if photo is not None:
                return photo
        photo = decode(name, data, source)
        photo_id = self.put(photo)
        with self._lock:
            if len(self._uploads) > UPLOADS_REMEMBERED:  # forget the file digests of photos no longer kept
                self._uploads = {k: v for k, v in self._uploads.items() if v in self._photos}
            self._uploads[key] = photo_id
        return photo
