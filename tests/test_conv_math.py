"""The lab's arithmetic: the tutorial presets exactly, shape formulas, bad input, and TensorFlow agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.arithmetic import convolution, numbers, photo_filters, pooling, presets, sizes

EDGE_OUTPUT = [[-2, 2, 2], [-2, -2, 2], [2, 0, 1]]
EDGE_RELU = [[0, 2, 2], [0, 0, 2], [2, 0, 1]]


# --------------------------------------------------------------------------- the presets


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


def test_relu_is_not_an_absolute_value():
    np.testing.assert_array_equal(convolution.relu([[-3, -0.5, 0, 0.5, 3]]), [[0, 0, 0, 0.5, 3]])


def test_max_pooling_preset():
    result = pooling.pool2d(presets.POOL_IMAGE, size=2, stride=2, mode="max")
    np.testing.assert_array_equal(result.output, [[6, 8], [14, 16]])
    assert result.step(0).expression == "max(1, 3, 5, 6) = 6"
    assert result.step(3).expression == "max(11, 12, 15, 16) = 16"
    assert result.rows.text == "⌊(4 + 2×0 − 2) / 2⌋ + 1 = ⌊2 / 2⌋ + 1 = 2"


def test_average_pooling_expression():
    result = pooling.pool2d(presets.POOL_IMAGE, size=2, mode="average")
    np.testing.assert_array_equal(result.output, [[3.75, 5.25], [11.5, 13.5]])
    assert result.step(0).expression == "(1 + 3 + 5 + 6) / 4 = 15 / 4 = 3.75"


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
        assert result.cell_count >= 1
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
    expected = sum(float((presets.RGB_IMAGE[:3, :3, channel] * presets.RGB_KERNEL[..., channel]).sum()) for channel in range(3))
    assert step.total == expected
    assert step.channel_expression(1).count("×") == 9
    assert step.expression.count("×") == 27


# --------------------------------------------------------------------------- numbers as text


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), (-2.0, "−2"), (-0.0, "0"), (0.5, "0.5"), (-0.25, "−0.25"), (1 / 3, "0.3333"), (0.1 + 0.2, "0.3"),
    (1e-7, "0"), (320.0, "320"), (-1234567.0, "−1234567"), (2.00004, "2"), (2.00006, "2.0001"),
])
def test_format_number(value, text):
    assert numbers.format_number(value) == text


def test_format_factor_and_equals():
    assert numbers.format_factor(-1) == "(−1)"
    assert numbers.format_factor(2) == "2"
    assert numbers.equals(3.75) == "= 3.75"
    assert numbers.equals(1 / 3) == "≈ 0.3333"
    assert numbers.equals(0.1 + 0.2) == "= 0.3"
    assert numbers.format_count(6272) == "6,272"


def test_text_round_trip():
    matrix = np.array([[1, -2.5, 0], [3, 4, 1 / 3]])
    text = numbers.matrix_to_text(matrix, row_separator=";")
    assert text.startswith("1,-2.5,0;")
    np.testing.assert_array_equal(numbers.parse_matrix_text(text), matrix)


@pytest.mark.parametrize("text", [
    "1 2 3\n0 1 2", "1,2,3;0,1,2", "[[1, 2, 3], [0, 1, 2]]", "1\t2\t3\n\n0\t1\t2\n", " 1, 2, 3 \n 0,1,2 ",
])
def test_parse_matrix_text_formats(text):
    np.testing.assert_array_equal(numbers.parse_matrix_text(text), [[1, 2, 3], [0, 1, 2]])


def test_parse_matrix_accepts_a_real_minus_sign_and_numeric_strings():
    np.testing.assert_array_equal(numbers.parse_matrix([["−1", "2.5"], [" 3 ", 4]]), [[-1, 2.5], [3, 4]])


# --------------------------------------------------------------------------- bad input is a message


@pytest.mark.parametrize(("cells", "fragment"), [
    ([], "empty"),
    ([[]], "empty"),
    (None, "empty"),
    ([1, 2, 3], "table"),
    ([[1, 2, 3], [4, 5]], "ragged: row 2 has 2 numbers but row 1 has 3"),
    ([[1, "abc"], [3, 4]], "row 1, column 2 holds 'abc', which is not a number"),
    ([[1, 2], [None, 4]], "row 2, column 1 is empty"),
    ([[1, 2], [3, ""]], "row 2, column 2 is empty"),
    ([[1, float("nan")], [3, 4]], "not a number (NaN)"),
    ([[1, float("inf")]], "infinite"),
    ([[True, 1]], "not a number"),
    ([[1, 2], [3, {"a": 1}]], "not a number"),
])
def test_bad_matrices_raise_clear_messages(cells, fragment):
    with pytest.raises(ValueError, match=None) as error:
        numbers.parse_matrix(cells)
    assert fragment in str(error.value)


def test_dataframe_with_a_cleared_cell():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame([[1.0, 2.0], [3.0, None]], columns=["1", "2"])
    with pytest.raises(ValueError, match="row 2, column 2 is empty or not a number"):
        numbers.parse_matrix(frame)


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
    with pytest.raises(ValueError, match="pool window"):
        pooling.pool2d([[1, 2], [3, 4]], size=3)


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
    with pytest.raises(ValueError, match="'max' or 'average'"):
        pooling.pool2d(presets.POOL_IMAGE, mode="median")
    with pytest.raises(ValueError, match="pool size"):
        pooling.pool2d(presets.POOL_IMAGE, size=0)
    with pytest.raises(ValueError, match="does not exist"):
        convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE).step(9)


# --------------------------------------------------------------------------- shapes


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
                        result = convolution.convolve2d(image, np.ones((kernel, kernel)), stride=stride, padding=padding)
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


# --------------------------------------------------------------------------- TensorFlow agreement


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


def test_average_pooling_same_ignores_padding():
    result = pooling.pool2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], size=2, stride=2, padding="same")
    assert (result.padding.bottom, result.padding.right) == (1, 1)
    last = result.step(3)
    assert last.values.tolist() == [9]
    assert result.output.tolist() == [[5, 6], [8, 9]]
    average = pooling.pool2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], size=2, stride=2, padding="same", mode="avg")
    assert average.output.tolist() == [[3, 4.5], [7.5, 9]]
    assert average.step(1).expression == "(3 + 6) / 2 = 9 / 2 = 4.5"


# --------------------------------------------------------------------------- photos and kernels


def test_filter_image_matches_the_lab_with_same_padding():
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (12, 12)).astype(np.float64)
    for kernel in (presets.SOBEL_X, presets.SOBEL_Y, presets.SHARPEN, presets.VERTICAL_EDGE, rng.normal(size=(5, 5)).round(2)):
        kernel = np.asarray(kernel, dtype=np.float64)
        ours = convolution.convolve2d(image, kernel, padding="same").output
        np.testing.assert_allclose(photo_filters.filter_image(image, kernel), ours, rtol=1e-4, atol=1e-2)


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
