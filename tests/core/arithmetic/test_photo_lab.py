"""The lab's real-photo view: filtering a photo, and where its crop may start."""

from __future__ import annotations

import numpy as np

from core.arithmetic import photo_lab
from core.arithmetic.presets import IDENTITY


def _photo(height: int, width: int) -> np.ndarray:
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[:, width // 2:] = 200  # a vertical edge in the middle
    return pixels


def test_a_small_photo_is_not_shrunk():
    filtered = photo_lab.filter_photo(_photo(40, 60), np.asarray(IDENTITY, dtype=float))
    assert filtered.scale == 1.0
    assert filtered.gray_full.shape == filtered.gray.shape == (40, 60)
    # The identity kernel gives the photo's brightness back: 0 on the left, white on the right.
    assert filtered.kernel[20, 5] == 0 and filtered.kernel[20, 50] == 255


def test_a_big_photo_is_shrunk_for_display_but_kept_whole_for_crops():
    filtered = photo_lab.filter_photo(_photo(600, 960), np.asarray(IDENTITY, dtype=float), display_side=480)
    assert filtered.gray_full.shape == (600, 960)
    assert filtered.gray.shape == (300, 480)
    assert filtered.scale == 0.5
    # Sobel x answers only along the vertical edge, Sobel y not at all.
    assert filtered.sobel_x[150, 240] == 255 and filtered.sobel_x[150, 100] == 0
    assert filtered.sobel_y[150, 100] == 0 and filtered.sobel_y[150, 240] == 0


def test_crop_positions():
    assert photo_lab.can_crop((6, 6)) and not photo_lab.can_crop((5, 100))
    assert photo_lab.default_crop_start(20) == 8  # rows 8..13 of 1..20: the middle
    assert photo_lab.clamp_crop_start(0, 20) == 1
    assert photo_lab.clamp_crop_start(99, 20) == 15


def test_mark_crop_draws_an_orange_box():
    marked = photo_lab.mark_crop(np.full((50, 50), 128, np.uint8), 20, 20, 1.0)
    assert marked.shape == (50, 50, 3)
    assert tuple(marked[18, 25]) == photo_lab.BOX_COLOUR  # the top edge of the box, 2 px above the crop
    assert tuple(marked[25, 25]) == (128, 128, 128)  # inside stays the photo


def test_crop_note():
    assert photo_lab.crop_note("Chelsea the cat", 9, 0) == (
        "6×6 crop of Chelsea the cat (grayscale) at pixel row 10, column 1.")
