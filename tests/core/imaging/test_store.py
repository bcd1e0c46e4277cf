"""core/imaging/store.py: the server's photo store, bounded in bytes and idle time, shared by threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from core.imaging.photo import Photo
from core.imaging.store import IDLE_SECONDS, MAX_BYTES, PhotoStore


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def photo(number: int, side: int = 10) -> Photo:
    """A distinct ``side``×``side`` photo: ``side * side * 3`` bytes of pixels."""
    return Photo(f"photo-{number}.png", np.full((side, side, 3), number % 256, np.uint8), "upload")


def test_a_kept_photo_comes_back_by_its_id():
    store = PhotoStore(max_bytes=10_000)
    first = photo(1)
    photo_id = store.put(first)
    assert photo_id == first.photo_id and len(photo_id) == 10
    assert store.get(photo_id) is first
    assert store.get("0123456789") is None
    assert len(store) == 1 and store.total_bytes == 300


def test_the_byte_bound_forgets_the_least_recently_used_photo():
    store = PhotoStore(max_bytes=900)  # three 300-byte photos fit, a fourth does not
    ids = [store.put(photo(number)) for number in range(3)]
    assert store.get(ids[0]) is not None  # photo 0 is now the most recently used; photo 1 the least
    fourth = store.put(photo(3))
    assert store.get(ids[1]) is None
    assert [store.get(photo_id) is not None for photo_id in (ids[0], ids[2], fourth)] == [True, True, True]
    assert store.total_bytes == 900


def test_putting_the_same_photo_again_counts_its_bytes_once():
    store = PhotoStore(max_bytes=1_000)
    same = photo(1)
    store.put(same)
    store.put(same)
    assert len(store) == 1 and store.total_bytes == 300


def test_a_photo_larger_than_the_whole_store_is_refused_with_a_message():
    store = PhotoStore(max_bytes=100)
    with pytest.raises(ValueError, match="A photo of 300 bytes does not fit in a photo store of 100 bytes."):
        store.put(photo(1))


def test_an_idle_photo_is_forgotten_and_a_used_one_kept():
    clock = FakeClock()
    store = PhotoStore(max_bytes=10_000, idle_seconds=60, clock=clock)
    idle, used = store.put(photo(1)), store.put(photo(2))
    clock.now += 40
    assert store.get(used) is not None  # using it restarts its idle time
    clock.now += 30  # idle for 70 s, used 30 s ago
    assert store.get(idle) is None
    assert store.get(used) is not None
    assert len(store) == 1 and store.total_bytes == 300
    clock.now += 60  # exactly the idle time
    assert used not in store and len(store) == 0


def test_an_upload_is_decoded_once_per_content_and_name():
    store = PhotoStore(max_bytes=10_000)
    calls = []

    def decode(name: str, data: bytes, source: str) -> Photo:
        calls.append((name, data, source))
        return Photo(name, np.full((4, 4, 3), data[0], np.uint8), source)

    first = store.from_upload("a.jpg", b"\x01file", "upload", decode)
    assert store.from_upload("a.jpg", b"\x01file", "upload", decode) is first
    assert len(calls) == 1
    renamed = store.from_upload("b.jpg", b"\x01file", "upload", decode)  # the same file under another name
    assert renamed.name == "b.jpg" and renamed.photo_id != first.photo_id
    assert len(calls) == 2


def test_an_upload_forgotten_by_the_store_is_decoded_again():
    clock = FakeClock()
    store = PhotoStore(max_bytes=10_000, idle_seconds=60, clock=clock)
    calls = []

    def decode(name: str, data: bytes, source: str) -> Photo:
        calls.append(name)
        return Photo(name, np.zeros((4, 4, 3), np.uint8), source)

    store.from_upload("a.jpg", b"file", "upload", decode)
    clock.now += 61
    store.from_upload("a.jpg", b"file", "upload", decode)
    assert calls == ["a.jpg", "a.jpg"]


def test_a_failed_decode_keeps_nothing():
    store = PhotoStore(max_bytes=10_000)

    def decode(name: str, data: bytes, source: str) -> Photo:
        raise ValueError("not a photo")

    with pytest.raises(ValueError, match="not a photo"):
        store.from_upload("bad.jpg", b"junk", "upload", decode)
    assert len(store) == 0


def test_threads_putting_and_getting_at_once_keep_the_bound_and_the_count():
    store = PhotoStore(max_bytes=300 * 50)  # room for 50 of the 300-byte photos
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(thread: int) -> None:
        try:
            start.wait()
            for number in range(100):
                kept = photo(thread * 1000 + number)
                photo_id = store.put(kept)
                found = store.get(photo_id)
                assert found is None or found is kept  # another thread may have pushed it out already
                assert store.total_bytes <= store.max_bytes
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(store) == 50 and store.total_bytes == 300 * 50


def test_the_defaults_are_a_quarter_gigabyte_and_two_hours():
    assert (MAX_BYTES, IDLE_SECONDS) == (268_435_456, 7_200)
    with pytest.raises(ValueError, match="positive size"):
        PhotoStore(max_bytes=0)
    with pytest.raises(ValueError, match="positive idle time"):
        PhotoStore(idle_seconds=0)
