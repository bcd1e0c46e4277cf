"""core/arithmetic/pooling.py: max and average pooling window by window, bad settings, and TensorFlow agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.arithmetic import pooling, presets


def test_average_pooling_expression():
    result = pooling.pool2d(presets.POOL_IMAGE, size=2, mode="average")
    np.testing.assert_array_equal(result.output, [[3.75, 5.25], [11.5, 13.5]])
    assert result.step(0).expression == "(1 + 3 + 5 + 6) / 4 = 15 / 4 = 3.75"


def test_average_pooling_same_ignores_padding():
    result = pooling.pool2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], size=2, stride=2, padding="same")
    assert (result.padding.bottom, result.padding.right) == (1, 1)
    last = result.step(3)
    assert last.values.tolist() == [9]
    assert result.output.tolist() == [[5, 6], [8, 9]]
    average = pooling.pool2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], size=2, stride=2, padding="same", mode="avg")
    assert average.output.tolist() == [[3, 4.5], [7.5, 9]]
    assert average.step(1).expression == "(3 + 6) / 2 = 9 / 2 = 4.5"


def test_pool_window_larger_than_the_input():
    with pytest.raises(ValueError, match="pool window"):
        pooling.pool2d([[1, 2], [3, 4]], size=3)


def test_bad_pool_settings():
    with pytest.raises(ValueError, match="'max' or 'average'"):
        pooling.pool2d(presets.POOL_IMAGE, mode="median")
    with pytest.raises(ValueError, match="pool size"):
        pooling.pool2d(presets.POOL_IMAGE, size=0)


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling_agrees_with_tensorflow(tf, mode):
    rng = np.random.default_rng(7 if mode == "max" else 8)
    compared = 0
    while compared < 120:
        rows, cols = int(rng.integers(1, 13)), int(rng.integers(1, 13))
        channels = int(rng.integers(1, 5))
        size = int(rng.integers(1, 5))
        stride = int(rng.integers(1, 5))
        padding = ("valid", "same")[int(rng.integers(0, 2))]
        matrix = rng.normal(0, 5, (rows, cols, channels)).round(2)
        if channels == 1 and rng.integers(0, 2):
            matrix = matrix[..., 0]
        try:
            ours = pooling.pool2d(matrix, size=size, stride=stride, mode=mode, padding=padding)
        except ValueError as error:
            assert "larger than the padded input" in str(error)
            continue
        batch = (matrix if matrix.ndim == 3 else matrix[..., None])[None]
        pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
        theirs = pool(batch, ksize=size, strides=stride, padding=padding.upper())[0].numpy()
        if matrix.ndim == 2:
            theirs = theirs[..., 0]
        assert ours.output.shape == theirs.shape
        # TensorFlow's pooling kernels compute in float32 on CPU.
        np.testing.assert_allclose(ours.output, theirs, rtol=1e-6, atol=1e-5)
        step = ours.step(int(rng.integers(0, ours.cell_count)))
        expected = theirs[step.row, step.col] if theirs.ndim == 2 else theirs[step.row, step.col, 0]
        assert math.isclose(step.output, expected, abs_tol=1e-5)
        compared += 1
