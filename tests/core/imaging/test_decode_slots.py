"""Uploads arriving together are decoded a few at a time, and one that fails frees its slot."""

from __future__ import annotations

import threading

import pytest

from core.imaging.decode import ImageLoadError
from core.imaging.decode_slots import DecodeSlots, release_freed_memory
from core.imaging.photo import photo_from_bytes
from harness.photo_files import make_photo_bytes


def test_thirty_uploads_at_once_are_decoded_two_at_a_time_and_each_gets_its_photo():
    slots = DecodeSlots(2)
    uploads = [make_photo_bytes(60 + index, 40, color=(index * 8, 100, 50)) for index in range(30)]
    results: list = [None] * len(uploads)
    start = threading.Barrier(len(uploads))

    def student(index: int) -> None:
        start.wait()
        results[index] = slots.run(photo_from_bytes, f"student{index}.jpg", uploads[index], "upload")

    threads = [threading.Thread(target=student, args=(index,)) for index in range(len(uploads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert slots.most_at_once == 2
    assert [photo.pixels.shape[1] for photo in results] == [60 + index for index in range(30)]
    assert [photo.name for photo in results] == [f"student{index}.jpg" for index in range(30)]


def test_a_photo_that_cannot_be_read_gives_its_message_and_frees_its_slot():
    slots = DecodeSlots(1)
    with pytest.raises(ImageLoadError):
        slots.run(photo_from_bytes, "broken.jpg", b"not a photo", "upload")
    photo = slots.run(photo_from_bytes, "fine.jpg", make_photo_bytes(), "upload")  # the one slot is free again
    assert photo.pixels.shape == (48, 64, 3)
    with pytest.raises(ValueError, match="At least one decode"):
        DecodeSlots(0)
    release_freed_memory()  # harmless to call at any time
