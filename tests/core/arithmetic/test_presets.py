"""core/arithmetic/presets.py: the lab's starting points give exactly the numbers the tutorial prints."""

from __future__ import annotations

import math

import numpy as np

from core.arithmetic import convolution, pooling, presets

EDGE_OUTPUT = [[-2, 2, 2], [-2, -2, 2], [2, 0, 1]]
EDGE_RELU = [[0, 2, 2], [0, 0, 2], [2, 0, 1]]


def test_edge_example_full_output_and_relu():
    result = convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, relu=True)
    np.testing.assert_array_equal(result.pre_activation, EDGE_OUTPUT)
    np.testing.assert_array_equal(result.output, EDGE_RELU)
    np.testing.assert_array_equal(convolution.relu(result.pre_activation), EDGE_RELU)
    assert result.pre_activation[0].tolist() == [-2, 2, 2]  # the first row, as the tutorial should say
    assert result.shape == (3, 3)


def test_edge_example_first_step_record():
    step = convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, relu=True).step(0)
    assert (step.row, step.col, step.top, step.left) == (0, 0, 0, 0)
    np.testing.assert_array_equal(step.window[..., 0], [[1, 2, 3], [0, 1, 2], [3, 2, 1]])
    np.testing.assert_array_equal(step.products[..., 0], [[1, 0, -3], [0, 0, -2], [3, 0, -1]])
    assert step.expression == "1×1 + 2×0 + 3×(−1) + 0×1 + 1×0 + 2×(−1) + 3×1 + 2×0 + 1×(−1)"
    assert step.products_text == "1 + 0 + (−3) + 0 + 0 + (−2) + 3 + 0 + (−1)"
    assert step.sum_text.endswith("= −2")
    assert step.total == -2 and step.pre_activation == -2 and step.output == 0
    assert step.bias_text == "−2 + 0 = −2"
    assert step.activation_text == "ReLU(−2) = max(0, −2) = 0"


def test_max_pooling_preset():
    result = pooling.pool2d(presets.POOL_IMAGE, size=2, stride=2, mode="max")
    np.testing.assert_array_equal(result.output, [[6, 8], [14, 16]])
    assert result.step(0).expression == "max(1, 3, 5, 6) = 6"
    assert result.step(3).expression == "max(11, 12, 15, 16) = 16"
    assert result.rows.text == "⌊(4 + 2×0 − 2) / 2⌋ + 1 = ⌊2 / 2⌋ + 1 = 2"


def test_sharpen_preset_gives_320_at_the_padded_corner():
    assert presets.SHARPEN_IMAGE[0][:5] == [105, 102, 100, 97, 96]
    assert presets.SHARPEN_IMAGE[1][:5] == [103, 99, 103, 101, 102]
    result = convolution.convolve2d(presets.SHARPEN_IMAGE, presets.SHARPEN, padding=1)
    assert result.output[0, 0] == 320
    step = result.step(0)
    assert step.window[..., 0].tolist() == [[0, 0, 0], [0, 105, 102], [0, 103, 99]]
    assert (step.input_top, step.input_left) == (-1, -1)
    assert step.sum_text == "0×0 + 0×(−1) + 0×0 + 0×(−1) + 105×5 + 102×(−1) + 0×0 + 103×(−1) + 99×0 = 320"
    assert result.shape == (5, 5)
    preset = presets.PRESETS["sharpen"]
    assert convolution.convolve2d(preset.image, preset.kernel, padding=preset.padding).output[0, 0] == 320


def test_presets_are_consistent():
    for key, preset in presets.PRESETS.items():
        assert preset.key == key
        result = convolution.convolve2d(preset.image, preset.kernel, stride=preset.stride, padding=preset.padding,
                                        bias=preset.bias, relu=preset.relu)
        # The shape written out by hand: ⌈n / s⌉ with 'same' padding, else ⌊(n + 2p − k) / s⌋ + 1.
        expected = []
        for size, kernel in zip(np.shape(preset.image), np.shape(preset.kernel)):
            if preset.padding == "same":
                expected.append(math.ceil(size / preset.stride))
            else:
                padding = 0 if preset.padding == "valid" else int(preset.padding)
                expected.append((size + 2 * padding - kernel) // preset.stride + 1)
        assert result.shape == tuple(expected), key
        assert result.cell_count == expected[0] * expected[1]
    identity = presets.PRESETS["identity"]
    same = convolution.convolve2d(identity.image, identity.kernel, padding="same")
    np.testing.assert_array_equal(same.output, np.asarray(identity.image))
    blur = convolution.convolve2d(presets.PRESETS["blur"].image, presets.PRESETS["blur"].kernel)
    np.testing.assert_allclose(blur.output[0, 0], np.mean(np.asarray(presets.STEP_IMAGE)[:3, :3]))
    assert blur.step(0).sum_text.split()[-2] == "≈"  # 1/9 is written rounded, so the sum says "≈"


def test_sobel_kernels_find_the_right_edges():
    vertical = convolution.convolve2d(presets.STEP_IMAGE, presets.SOBEL_X).output
    horizontal = convolution.convolve2d(presets.STEP_IMAGE, presets.SOBEL_Y).output
    assert vertical[0].tolist() == [0, 280, 280, 0]  # the dark-to-bright step between columns 3 and 4
    assert horizontal[:, 0].tolist() == [0, 0, 320, 320]  # the bright bottom rows


def test_rgb_example_sums_over_three_channels():
    result = convolution.convolve2d(presets.RGB_IMAGE, presets.RGB_KERNEL)
    assert presets.RGB_KERNEL.shape == (3, 3, 3)
    step = result.step(0)
    assert step.channel_count == 3
    assert math.isclose(sum(step.channel_sums), step.total)
    assert step.total == result.output[0, 0]
    expected = sum(float((presets.RGB_IMAGE[:3, :3, channel] * presets.RGB_KERNEL[..., channel]).sum())
                   for channel in range(3))
    assert step.total == expected
    assert step.channel_expression(1).count("×") == 9
    assert step.expression.count("×") == 27
