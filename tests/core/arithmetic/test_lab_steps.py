"""The sentences beside each lab step, on examples worked out by hand."""

from __future__ import annotations

from core.arithmetic import convolution, pooling
from core.arithmetic.lab_steps import (
    ReluSummary,
    channel_sum_text,
    channel_total_text,
    convolution_step_count,
    convolution_window,
    pooling_window,
    relu_heading,
    same_padding_note,
    shape_summary,
    step_heading,
)
from core.arithmetic.presets import EDGE_IMAGE, RGB_IMAGE, RGB_KERNEL, SHARPEN, SHARPEN_IMAGE, VERTICAL_EDGE


def test_step_heading_is_one_based():
    assert step_heading(2, 10, 0, 1) == "**Step 2 of 10** · output cell row 1, column 2"


def test_shape_summary_fills_in_both_axes():
    result = convolution.convolve2d(EDGE_IMAGE, VERTICAL_EDGE, stride=2)
    text = shape_summary(result.rows, result.cols)
    assert text.startswith("**Output size** = ⌊(n + 2p − k) / s⌋ + 1 (n: input size, p: padding, k: window size")
    assert "rows: `⌊(5 + 2×0 − 3) / 2⌋ + 1 = ⌊2 / 2⌋ + 1 = 2`" in text
    assert text.endswith("→ **2 × 2**")


def test_same_padding_note_says_where_the_odd_zero_goes():
    result = convolution.convolve2d([[1] * 6] * 6, VERTICAL_EDGE, stride=2, padding="same")
    assert same_padding_note(result.padding).endswith("here 0 above, 1 below, 0 left, 1 right.")


def test_relu_adds_one_step_only_when_on():
    assert convolution_step_count(convolution.convolve2d(EDGE_IMAGE, VERTICAL_EDGE, relu=True)) == 10
    assert convolution_step_count(convolution.convolve2d(EDGE_IMAGE, VERTICAL_EDGE)) == 9


def test_convolution_window_inside_the_input():
    result = convolution.convolve2d(EDGE_IMAGE, VERTICAL_EDGE, relu=True)
    window = convolution_window(result, result.step(1))
    assert window.padded_cells == 0
    assert window.text == "**Window:** input rows 1–3, columns 2–4."
    assert window.result_text == "**Output cell (1, 2)** = 2. ReLU comes next, as its own step."


def test_convolution_window_counts_padding_zeros():
    result = convolution.convolve2d(SHARPEN_IMAGE, SHARPEN, padding=1)
    corner = convolution_window(result, result.step(0))
    # The top-left 3×3 window over one ring of zeros covers 2×2 real pixels: 5 zeros.
    assert corner.padded_cells == 5
    assert corner.text == ("**Window:** input rows 0–2, columns 0–2. Row 0 and column 0 lie outside the "
                           f"{corner.input_shape[0]}×{corner.input_shape[1]} input: that is zero padding, so 5 of "
                           "the window's cells are 0.")
    assert corner.result_text == "**Output cell (1, 1)** = 320."
    edge = convolution_window(result, result.step(2))
    assert edge.padded_cells == 3


def test_relu_summary_lists_each_negative():
    assert ReluSummary([[-2, 2], [0, -0.5]]).changes_text == (
        "Changed here: −2 → 0, −0.5 → 0. Everything else passes through unchanged.")
    assert ReluSummary([[1, 0]]).changes_text == "No number is negative here, so ReLU changes nothing."
    assert "It is not an absolute value" in ReluSummary.RULE


def test_relu_heading_is_the_last_step():
    result = convolution.convolve2d(EDGE_IMAGE, VERTICAL_EDGE, relu=True)
    assert relu_heading(result) == "**Step 10 of 10 · ReLU on the whole output**"


def test_pooling_window_clamps_to_the_real_matrix():
    result = pooling.pool2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], size=2, padding="same")
    corner = pooling_window(result, result.step(3))
    assert corner.text == "**Window:** rows 3–3, columns 3–3"
    assert corner.covers_padding
    assert corner.rule_label == "Keep the largest number"
    first = pooling_window(result, result.step(0))
    assert first.text == "**Window:** rows 1–2, columns 1–2" and not first.covers_padding


def test_average_pooling_rule_label():
    result = pooling.pool2d([[1, 2], [3, 4]], size=2, mode="average")
    assert pooling_window(result, result.step(0)).rule_label == "Keep the mean of the numbers"


def test_colour_step_texts():
    step = convolution.convolve2d(RGB_IMAGE, RGB_KERNEL).step(0)
    # Red: (200 + 190 + 205) − (40 + 35 + 30) = 490; blue: −(30 + 25 + 20) + (180 + 200 + 195) = 500.
    assert channel_sum_text(step, 0).endswith("= 490")
    assert channel_sum_text(step, 1).endswith("= 0")
    assert channel_total_text(step) == "490 + 0 + 500 = 990"
