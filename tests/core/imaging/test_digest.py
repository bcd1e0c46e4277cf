"""core/imaging/digest.py: one short content hash for files and for pixels."""

from __future__ import annotations

import hashlib

import numpy as np

from core.imaging.digest import digest


def test_the_digest_of_bytes_is_blake2b_of_12_bytes():
    data = b"\xff\xd8\xff a photo's bytes"
    assert digest(data) == hashlib.blake2b(data, digest_size=12).hexdigest()
    assert len(digest(data)) == 24


def test_equal_pixels_have_equal_digests_and_one_changed_value_changes_it():
    pixels = np.random.default_rng(0).integers(0, 256, (4, 6, 3)).astype(np.uint8)
    assert digest(pixels) == digest(pixels.copy())
    changed = pixels.copy()
    changed[0, 0, 0] ^= 1
    assert digest(changed) != digest(pixels)


def test_the_same_bytes_in_another_shape_are_another_photo():
    # A 2×3 and a 3×2 photo of one colour hold exactly the same bytes.
    wide, tall = np.full((2, 3, 3), 7, np.uint8), np.full((3, 2, 3), 7, np.uint8)
    assert wide.tobytes() == tall.tobytes()
    assert digest(wide) != digest(tall)
    assert digest(np.zeros((2, 2, 3), np.uint8)) != digest(np.zeros((2, 2, 3), np.float32)[..., :1].repeat(3, -1))


def test_a_view_hashes_like_its_contiguous_copy():
    pixels = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    mirrored = pixels[:, ::-1]  # a view with negative strides
    assert digest(mirrored) == digest(np.ascontiguousarray(mirrored))
    assert digest(mirrored) != digest(pixels)
