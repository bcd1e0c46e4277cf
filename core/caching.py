"""A cache bounded by bytes, not entries, safe to share between every session's thread.

Streamlit's ``st.cache_data`` bounds a cache by its number of entries, and an
entry of the transfer model's feature maps (12 MB) weighs a thousand times one
of a tiny model's. This cache forgets the least recently used values once
their arrays would exceed ``max_bytes``, and any value nobody asked for during
``idle_seconds`` (or longer). Values are returned as stored (not copied): keep them
immutable.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np

Value = TypeVar("Value")


def nbytes_of(value: Any, _seen: set[int] | None = None) -> int:
    """Bytes of the NumPy arrays inside ``value`` (through tuples, lists, dicts and dataclasses)."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (tuple, list, set, frozenset)):
        return sum(nbytes_of(item, seen) for item in value)
    if isinstance(value, dict):
        return sum(nbytes_of(item, seen) for item in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes_of(getattr(value, field.name), seen) for field in dataclasses.fields(value))
    return 0


class BoundedCache:
    """Least recently used values, at most ``max_bytes`` of arrays in all; every method is thread-safe."""

    def __init__(self, max_bytes: int, idle_seconds: float = float("inf"),
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_bytes <= 0:
            raise ValueError(f"A cache needs a positive size in bytes, got {max_bytes}.")
        if idle_seconds <= 0:
            raise ValueError(f"A cache needs a positive idle time in seconds, got {idle_seconds}.")
        self.max_bytes = int(max_bytes)
        self.idle_seconds = float(idle_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Any, int, float]] = OrderedDict()  # oldest first
        self._total = 0

    def __len__(self) -> int:
        with self._lock:
            self._forget_idle(self._clock())
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._forget_idle(self._clock())
            return key in self._entries

    @property
    def total_bytes(self) -> int:
        with self._lock:
            self._forget_idle(self._clock())
            return self._total

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            now = self._clock()
            self._forget_idle(now)
            entry = self._entries.get(key)
            if entry is None:
                return default
            self._entries[key] = (entry[0], entry[1], now)
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int | None = None) -> None:
        """Keep ``value``; one larger than the whole cache is not kept (the caller still has it)."""
        size = nbytes_of(value) if size is None else int(size)
        if size > self.max_bytes:
            return
        with self._lock:
            now = self._clock()
            self._forget_idle(now)
            old = self._entries.pop(key, None)
            if old is not None:
                self._total -= old[1]
            self._entries[key] = (value, size, now)
            self._total += size
            while self._total > self.max_bytes:
                _, (_, dropped, _) = self._entries.popitem(last=False)
                self._total -= dropped

    def get_or_compute(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The cached value, or ``compute()`` kept for next time.

        ``compute`` runs outside the lock, so a slow explanation in one session
        never blocks another session's cache hits; two sessions asking for the
        same missing value at the same moment may both compute it.
        """
        missing = object()
        found = self.get(key, missing)
        if found is not missing:
            return found
        value = compute()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._total = 0

    def _forget_idle(self, now: float) -> None:
        while self._entries:
            key, (_, size, last_used) = next(iter(self._entries.items()))
            if now - last_used < self.idle_seconds:
                break
            del self._entries[key]
            self._total -= size
