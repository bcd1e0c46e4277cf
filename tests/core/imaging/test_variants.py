"""core/imaging/variants.py: the copies of a photo the "neither" score and the percentages are checked on."""

from __future__ import annotations

import numpy as np

from core.imaging.photo import WORKING_SIDE
from core.imaging.variants import VARIANTS, greyscale, phone_upload, rotated


def photo() -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.integers(0, 256, (120, 160, 3)).astype(np.uint8)


def test_greyscale_has_three_equal_channels_of_the_photos_luma():
    pixels = photo()
    grey = greyscale(pixels)
    assert grey.shape == pixels.shape and grey.dtype == np.uint8
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])
    luma = 0.299 * pixels[..., 0] + 0.587 * pixels[..., 1] + 0.114 * pixels[..., 2]  # BT.601, by hand
    assert np.abs(grey[..., 0] - luma).max() <= 1


def test_rotated_turns_the_photo_a_quarter_turn():
    pixels = photo()
    turned = rotated(pixels)
    assert turned.shape == (160, 120, 3)
    assert np.array_equal(turned[0, 0], pixels[0, -1])  # the top-right corner comes to the top left


def test_a_phone_upload_is_decoded_to_the_working_copy_as_an_upload_is():
    pixels = np.zeros((300, 400, 3), np.uint8)
    pixels[:, :200] = (200, 40, 40)
    uploaded = phone_upload(pixels)
    assert max(uploaded.shape[:2]) <= WORKING_SIDE and uploaded.shape[1] / uploaded.shape[0] == 4 / 3
    assert abs(int(uploaded[100, 100, 0]) - 200) < 8 and uploaded[100, -100, 0] < 10
    assert set(VARIANTS) == {"colour", "greyscale", "rotated", "phone upload"}
    assert VARIANTS["colour"](pixels) is pixels
