"""core/caching.py: bounded by the bytes of its arrays, least recently used out first, thread-safe."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pytest

from core.caching import BoundedCache, nbytes_of

MB = 1_000_000


@dataclass(frozen=True)
class Result:
    maps: tuple[np.ndarray, ...]
    label: str


def block(megabytes: int) -> np.ndarray:
    return np.zeros(megabytes * MB, np.uint8)


def test_nbytes_counts_arrays_inside_containers_and_dataclasses_once():
    shared = block(2)
    value = {"a": [block(1), (shared, shared)], "b": Result(maps=(block(3),), label="x"), "c": 7}
    assert nbytes_of(value) == 6 * MB
    assert nbytes_of("text") == 0 and nbytes_of(None) == 0


def test_least_recently_used_values_go_first_when_the_bytes_run_out():
    cache = BoundedCache(max_bytes=10 * MB)
    for name in "abc":
        cache.put(name, block(3))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("d", block(3))  # 12 MB > 10 MB: "b", the least recently used, goes
    assert "b" not in cache and {"a", "c", "d"} <= {k for k in "abcd" if k in cache}
    assert cache.total_bytes == 9 * MB and len(cache) == 3


def test_a_value_larger_than_the_cache_is_not_kept_and_evicts_nothing():
    cache = BoundedCache(max_bytes=5 * MB)
    cache.put("small", block(1))
    cache.put("huge", block(6))
    assert "huge" not in cache and "small" in cache and cache.total_bytes == 1 * MB


def test_replacing_a_key_counts_its_bytes_once():
    cache = BoundedCache(max_bytes=10 * MB)
    cache.put("a", block(4))
    cache.put("a", block(2))
    assert cache.total_bytes == 2 * MB and len(cache) == 1


def test_values_nobody_asked_for_are_forgotten_after_the_idle_time():
    now = [0.0]
    cache = BoundedCache(max_bytes=10 * MB, idle_seconds=60, clock=lambda: now[0])
    cache.put("old", block(1))
    cache.put("used", block(1))
    now[0] = 50
    assert cache.get("used") is not None  # touching it restarts its clock
    now[0] = 100
    assert "old" not in cache and "used" in cache and cache.total_bytes == 1 * MB
    cache.clear()
    assert len(cache) == 0 and cache.total_bytes == 0


def test_get_or_compute_computes_once_then_returns_the_same_object():
    cache = BoundedCache(max_bytes=10 * MB)
    calls = []

    def compute():
        calls.append(1)
        return Result(maps=(block(1),), label="cat")

    first = cache.get_or_compute(("model", "photo"), compute)
    assert cache.get_or_compute(("model", "photo"), compute) is first and len(calls) == 1


def test_bad_sizes_are_refused_with_a_message():
    with pytest.raises(ValueError, match="positive size"):
        BoundedCache(max_bytes=0)
    with pytest.raises(ValueError, match="positive idle"):
        BoundedCache(max_bytes=1, idle_seconds=0)


def test_many_threads_never_push_it_past_its_bound():
    cache = BoundedCache(max_bytes=20 * MB)
    start = threading.Barrier(8)
    peaks = []

    def session(index: int) -> None:
        start.wait()
        for step in range(50):
            key = (index, step % 7)
            value = cache.get_or_compute(key, lambda step=step: block(1 + (step % 3)))
            assert value.nbytes in (MB, 2 * MB, 3 * MB)
            peaks.append(cache.total_bytes)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(session, range(8)))
    assert max(peaks) <= 20 * MB
    stored = sum(cache.get(key).nbytes for key in [(i, s) for i in range(8) for s in range(7)] if key in cache)
    assert stored == cache.total_bytes
