"""core/arithmetic/sizes.py: the one output-size formula, its text, and TensorFlow's 'same' padding."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.arithmetic import convolution, sizes


def test_output_size_formula_over_a_grid():
    checked = 0
    rng = np.random.default_rng(1)
    for size in range(1, 13):
        for kernel in range(1, 6):
            for stride in range(1, 5):
                for padding in range(0, 4):
                    if kernel > size + 2 * padding:
                        with pytest.raises(ValueError):
                            sizes.output_size(size, kernel, stride, padding)
                        continue
                    expected = math.floor((size + 2 * padding - kernel) / stride) + 1
                    formula = sizes.output_size(size, kernel, stride, padding)
                    assert formula.output == expected
                    assert formula.text.endswith(f"= {expected}")
                    if kernel <= 5 and size <= 12:
                        image = rng.integers(-3, 4, (size, size))
                        result = convolution.convolve2d(image, np.ones((kernel, kernel)), stride=stride,
                                                        padding=padding)
                        assert result.shape == (expected, expected)  # the formula agrees with the windows counted
                    checked += 1
    assert checked > 800


def test_same_padding_follows_tensorflow():
    for size in range(1, 13):
        for kernel in range(1, 6):
            for stride in range(1, 5):
                before, after = sizes.padding_amounts(size, kernel, stride, "same")
                assert after - before in (0, 1)  # any odd extra goes after (bottom/right)
                formula = sizes.output_size(size, kernel, stride, before, after)
                assert formula.output == math.ceil(size / stride)
    assert sizes.padding_amounts(6, 3, 2, "same") == (0, 1)
    assert sizes.output_size(6, 3, 2, 0, 1).text == "⌊(6 + 0 + 1 − 3) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3"


def test_formula_text_with_padding():
    formula = sizes.output_size(5, 3, 2, 1)
    assert formula.formula == "⌊(n + 2p − k) / s⌋ + 1"
    assert formula.text == "⌊(5 + 2×1 − 3) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3"


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "expected"), [
    (150, 3, 1, "valid", 148), (148, 2, 2, "valid", 74), (15, 2, 2, "valid", 7),  # the classic model
    (7, 3, 2, "same", 4), (150, 3, 1, "same", 150), (5, 3, 2, 1, 3),
    (2, 3, 1, "valid", 0),  # a window that fits nowhere: 0 cells, not an error
])
def test_layer_output_size_counts_cells_along_one_axis(size, kernel, stride, padding, expected):
    assert sizes.layer_output_size(size, kernel, stride, padding) == expected


def test_layer_output_size_agrees_with_keras():
    keras = pytest.importorskip("keras")
    for size in (5, 8, 13):
        for kernel in (1, 2, 3):
            for stride in (1, 2, 3):
                for padding in ("valid", "same"):
                    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
                    shape = layer.compute_output_shape((None, size, size, 1))
                    assert sizes.layer_output_size(size, kernel, stride, padding) == shape[1], (
                        size, kernel, stride, padding)
