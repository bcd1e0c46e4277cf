"""At most a few uploads decoded at the same moment in one server process, and their memory given back after.

A 12-megapixel phone JPEG peaks near 20 MB while it is decoded and shrunk to the
working copy. Thirty students uploading in the same second decoded thirty at
once: 600 MB more on a 2-core machine that can only work on two of them at a
time anyway. With as many slots as cores the decodes take turns, the peak is a
few photos' worth, and the allocator is asked to return what they freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


def release_freed_memory() -> None:
    """Ask glibc to give freed heap pages back to the system (nothing happens where there is no glibc)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator returns memory its own way
        return
    trim(0)


class DecodeSlots:
    """A bounded number of decodes at once; the others wait their turn."""

    def __init__(self, slots: int | None = None):
        slots = slots if slots is not None else (os.cpu_count() or 2)
        if slots < 1:
            raise ValueError(f"At least one decode must be able to run, got slots={slots}.")
        self.slots = slots
        self._semaphore = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._running = 0
        self.most_at_once = 0  # the most decodes seen running together (tests and the benchmark read it)

    def run(self, decode: Callable[..., Result], *arguments) -> Result:
        """``decode(*arguments)`` in a free slot; the memory it used is given back once no decode runs."""
        with self._semaphore:
            with self._lock:
                self._running += 1
                self.most_at_once = max(self.most_at_once, self._running)
            try:
                return decode(*arguments)
            finally:
                with self._lock:
                    self._running -= 1
                    last = self._running == 0
                if last:  # about 15 ms: once per wave of uploads, not per photo
                    release_freed_memory()
