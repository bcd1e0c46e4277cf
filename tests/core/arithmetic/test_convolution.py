"""core/arithmetic/convolution.py: every window's arithmetic, bad settings as messages, and TensorFlow agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.arithmetic import convolution, presets


def test_relu_is_not_an_absolute_value():
    np.testing.assert_array_equal(convolution.relu([[-3, -0.5, 0, 0.5, 3]]), [[0, 0, 0, 0.5, 3]])


def test_every_edge_step_matches_the_output():
    result = convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, relu=True, bias=0.5)
    steps = result.steps()
    assert [step.index for step in steps] == list(range(9))
    for step in steps:
        assert step.pre_activation == result.pre_activation[step.row, step.col]
        assert step.output == result.output[step.row, step.col]
        assert step.output == max(0.0, step.pre_activation)
    assert result.step_at(2, 1).index == 7
    assert steps[0].bias_text == "−2 + 0.5 = −1.5"


def test_too_large_to_step_through():
    with pytest.raises(ValueError, match="at most 12 × 12"):
        convolution.convolve2d(np.ones((13, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="at most 7 × 7"):
        convolution.convolve2d(np.ones((12, 12)), np.ones((8, 8)))


def test_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match="larger than the padded input"):
        convolution.convolve2d([[1, 2], [3, 4]], np.ones((3, 3)))
    # One ring of padding makes it fit.
    assert convolution.convolve2d([[1, 2], [3, 4]], np.ones((3, 3)), padding=1).shape == (2, 2)


@pytest.mark.parametrize(("stride", "fragment"), [
    (0, "at least 1"), (-1, "at least 1"), (1.5, "whole number"), ("two", "whole number"), (None, "whole number"),
    (True, "whole number"), (99, "at most"),
])
def test_bad_strides(stride, fragment):
    with pytest.raises(ValueError) as error:
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, stride=stride)
    assert fragment in str(error.value)


def test_other_bad_settings():
    with pytest.raises(ValueError, match="'valid', 'same'"):
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, padding="full")
    with pytest.raises(ValueError, match="negative"):
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, padding=-1)
    with pytest.raises(ValueError, match="at most 3"):
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, padding=4)
    with pytest.raises(ValueError, match="bias"):
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, bias=float("nan"))
    with pytest.raises(ValueError, match="1 channel\\(s\\) but the input has 3"):
        convolution.convolve2d(presets.RGB_IMAGE, presets.VERTICAL_EDGE)
    with pytest.raises(ValueError, match="does not exist"):
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE).step(9)


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


def _random_padding(rng) -> str | int:
    choice = rng.integers(0, 3)
    return ("valid", "same", int(rng.integers(0, 4)))[choice]


def test_convolution_agrees_with_tensorflow(tf):
    rng = np.random.default_rng(2024)
    compared = 0
    while compared < 240:
        rows, cols = int(rng.integers(1, 13)), int(rng.integers(1, 13))
        channels = int(rng.integers(1, 5))
        kernel_rows, kernel_cols = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        stride = int(rng.integers(1, 5))
        padding = _random_padding(rng)
        image = rng.normal(0, 3, (rows, cols, channels)).round(2)
        kernel = rng.normal(0, 1, (kernel_rows, kernel_cols, channels)).round(2)
        bias = round(float(rng.normal()), 2)
        use_relu = bool(rng.integers(0, 2))
        try:
            ours = convolution.convolve2d(image, kernel, stride=stride, padding=padding, bias=bias, relu=use_relu)
        except ValueError as error:
            assert "larger than the padded input" in str(error)
            continue
        tf_padding = padding.upper() if isinstance(padding, str) else [[0, 0], [padding, padding],
                                                                        [padding, padding], [0, 0]]
        theirs = tf.nn.conv2d(image[None].astype(np.float64), kernel[..., None].astype(np.float64),
                              strides=stride, padding=tf_padding)[0, ..., 0].numpy() + bias
        if use_relu:
            theirs = np.maximum(theirs, 0)
        assert ours.shape == theirs.shape, (rows, cols, kernel_rows, kernel_cols, stride, padding)
        np.testing.assert_allclose(ours.output, theirs, rtol=1e-9, atol=1e-9)
        # The step records add up to the same numbers.
        step = ours.step(int(rng.integers(0, ours.cell_count)))
        assert math.isclose(step.output, theirs[step.row, step.col], abs_tol=1e-9)
        compared += 1
    assert compared >= 200
