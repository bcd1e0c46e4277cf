"""core/arithmetic/photo_filters.py: kernels on a real photo, shown as pixels, agree with the lab."""

from __future__ import annotations

import numpy as np
import pytest

from core.arithmetic import convolution, photo_filters, presets


def test_filter_image_matches_the_lab_with_same_padding():
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (12, 12)).astype(np.float64)
    for kernel in (presets.SOBEL_X, presets.SOBEL_Y, presets.SHARPEN, presets.VERTICAL_EDGE,
                   rng.normal(size=(5, 5)).round(2)):
        kernel = np.asarray(kernel, dtype=np.float64)
        ours = convolution.convolve2d(image, kernel, padding="same").output
        np.testing.assert_allclose(photo_filters.filter_image(image, kernel), ours, rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize("shape", [(2, 2), (4, 4), (2, 3), (3, 2), (1, 4), (6, 6), (3, 3), (1, 1)])
def test_filter_image_equals_the_lab_for_odd_and_even_kernels(shape):
    rng = np.random.default_rng(sum(shape))
    image = rng.integers(0, 256, (7, 9)).astype(np.float64)
    kernel = rng.integers(-3, 4, shape).astype(np.float64)
    ours = convolution.convolve2d(image, kernel, padding="same").output
    np.testing.assert_array_equal(photo_filters.filter_image(image, kernel), ours)  # whole numbers: exactly equal


def test_an_even_kernel_puts_its_extra_padding_below_and_right():
    image = np.arange(1, 10, dtype=np.float64).reshape(3, 3)  # 1 2 3 / 4 5 6 / 7 8 9
    kernel = np.ones((2, 2))
    # By hand: each output sums the pixel, its right and lower neighbours and the one diagonally below-right
    # (zeros past the bottom/right edge, as TensorFlow's "same" padding puts them).
    expected = [[12, 16, 9], [24, 28, 15], [15, 17, 9]]
    np.testing.assert_array_equal(photo_filters.filter_image(image, kernel), expected)


def test_response_display_and_crop():
    shown = photo_filters.response_to_uint8(np.array([[-4.0, 0.0], [2.0, 1.0]]))
    assert shown.dtype == np.uint8 and shown.tolist() == [[255, 0], [128, 64]]
    assert photo_filters.response_to_uint8(np.zeros((2, 2))).tolist() == [[0, 0], [0, 0]]
    image = np.arange(100).reshape(10, 10)
    assert photo_filters.crop(image, 2, 3).shape == (6, 6)
    assert photo_filters.crop(image, 2, 3)[0, 0] == 23
    assert photo_filters.crop(image, 50, 50)[0, 0] == 44  # clamped inside
    with pytest.raises(ValueError, match="smaller than"):
        photo_filters.crop(np.zeros((4, 4)), 0, 0)


def test_first_layer_kernel_and_random_kernel():
    weights = np.random.default_rng(0).normal(0, 0.1, (3, 3, 3, 32))
    kernel = photo_filters.first_layer_kernel(weights, 4, "sum")
    np.testing.assert_allclose(kernel, np.round(weights[:, :, :, 4].sum(axis=2), 3))
    np.testing.assert_allclose(photo_filters.first_layer_kernel(weights, 0, "green"), np.round(weights[:, :, 1, 0], 3))
    with pytest.raises(ValueError, match="does not exist"):
        photo_filters.first_layer_kernel(weights, 32)
    with pytest.raises(ValueError, match="Channel"):
        photo_filters.first_layer_kernel(weights, 0, "alpha")
    first = photo_filters.random_kernel(5)
    np.testing.assert_array_equal(first, photo_filters.random_kernel(5))
    assert first.shape == (3, 3) and first.min() >= -2 and first.max() <= 2
    assert np.array_equal(first, first.round())
