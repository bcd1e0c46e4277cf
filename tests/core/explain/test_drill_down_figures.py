"""The drill-down's grids (core.figures.heatmaps): colours that mean sign, never a colour channel, and 1-based rows."""

from __future__ import annotations

import colorsys

import numpy as np

from core.explain.drill_down import ConvArithmetic, PoolArithmetic
from core.figures import heatmaps


def _arithmetic(window: np.ndarray, kernel: np.ndarray, top: int = -1, left: int = -1) -> ConvArithmetic:
    products = window * kernel
    return ConvArithmetic(
        layer="conv1", row=0, column=0, channel=0, input_top=top, input_left=left, input_shape=(5, 5),
        window=window, kernel=kernel, products=products, channel_sums=products.sum(axis=(0, 1)),
        weighted_sum=float(products.sum()), bias=0.0, pre_activation=float(products.sum()), activation="linear",
        recomputed=float(products.sum()), model_value=float(products.sum()),
    )


def _hue(colour: str) -> float:
    red, green, blue = (int(colour[index:index + 2], 16) / 255 for index in (1, 3, 5))
    return colorsys.rgb_to_hsv(red, green, blue)[0] * 360


def test_the_sign_scale_ends_in_orange_and_steel_blue_not_in_a_channel_colour():
    # Hue angles: red 0°, green 120°, blue 240°; orange and a steel blue (about 210°) lie clearly between them.
    assert 20 <= _hue(heatmaps.SIGN_NEGATIVE) <= 45
    assert 195 <= _hue(heatmaps.SIGN_POSITIVE) <= 220
    for colour in (heatmaps.SIGN_NEGATIVE, heatmaps.SIGN_POSITIVE):
        assert min(abs((_hue(colour) - channel + 180) % 360 - 180) for channel in (0, 120, 240)) >= 20
    assert heatmaps.SIGN_SCALE[0][1] == heatmaps.SIGN_NEGATIVE and heatmaps.SIGN_SCALE[-1][1] == heatmaps.SIGN_POSITIVE
    assert heatmaps.SIGN_SCALE[2] == [0.5, "#f7f7f7"]  # zero is (almost) white


def test_the_red_channels_window_is_gray_and_its_kernel_on_the_sign_scale():
    window = np.full((3, 3, 3), 0.5)
    kernel = np.zeros((3, 3, 3))
    kernel[0, 0, 0], kernel[2, 2, 0] = -0.25, 0.125
    window_figure, kernel_figure, products_figure = heatmaps.conv_drill_down_figures(
        _arithmetic(window, kernel), 0, "red channel")
    assert window_figure.layout.title.text == "Input window · red channel"
    # A window without negatives is gray (black 0 to white), never a colour that could pass for a channel.
    assert [colour for _, colour in window_figure.data[0].colorscale] == ["rgb(0,0,0)", "rgb(255,255,255)"]
    assert kernel_figure.data[0].zmid == 0 and products_figure.data[0].zmid == 0
    assert [colour for _, colour in kernel_figure.data[0].colorscale] == [c for _, c in heatmaps.SIGN_SCALE]
    assert kernel_figure.data[0].text[0][0] == "−0.250" and kernel_figure.data[0].text[1][1] == "0.000"
    assert products_figure.layout.title.text == "Products · sum −0.0625"


def test_the_window_is_labelled_with_the_inputs_own_rows_counted_from_1():
    window = np.zeros((3, 3, 1))
    window_figure = heatmaps.conv_drill_down_figures(_arithmetic(window, np.ones((3, 3, 1))), 0, "input map 0")[0]
    assert list(window_figure.layout.yaxis.ticktext) == ["0", "1", "2"]  # row 0 is the zero padding above row 1
    assert list(window_figure.layout.xaxis.ticktext) == ["0", "1", "2"]


def test_a_signed_window_uses_the_sign_scale_too():
    window = np.array([[-1.0, 0.5], [0.25, 1.0]])[..., None]
    window_figure = heatmaps.conv_drill_down_figures(_arithmetic(window, np.ones((2, 2, 1)), 0, 0), 0, "map")[0]
    assert window_figure.data[0].zmid == 0 and window_figure.data[0].zmin == -1.0


def test_contributions_are_blue_when_they_add_and_orange_when_they_subtract():
    window = np.ones((1, 1, 2))
    figure = heatmaps.channel_contributions_figure(_arithmetic(window, np.array([[[0.5, -0.5]]])))
    assert list(figure.data[0].marker.color) == [heatmaps.SIGN_POSITIVE, heatmaps.SIGN_NEGATIVE]
    assert "blue adds, orange subtracts" in figure.layout.title.text


def test_each_number_is_written_in_the_colour_that_reads_on_its_cell():
    figure = heatmaps.drill_down_grid_figure(np.array([[-1.0, 0.0, 1.0]]), "Kernel", signed=True, limit=1.0)
    numbers = figure.data[1]
    assert list(numbers.text) == ["−1.000", "0.000", "1.000"]
    # Black on the orange end (6.1:1, where white has 3.5:1) and on white; white on the dark blue end (5.9:1).
    assert list(numbers.textfont.color) == ["black", "black", "white"]


def test_the_pooling_window_marks_padding_and_outlines_the_maximum():
    arithmetic = PoolArithmetic(layer="pool1", row=2, column=0, channel=0, input_top=4, input_left=0,
                                input_shape=(5, 5), window=np.array([[0.1, 0.7], [np.nan, np.nan]]),
                                operation="max", recomputed=0.7, model_value=0.7)
    figure = heatmaps.pool_window_figure(arithmetic)
    assert figure.data[0].text[1][0] == heatmaps.PADDING_LABEL
    assert list(figure.layout.yaxis.ticktext) == ["5", "6"]
    outline = figure.layout.shapes[0]
    assert (outline.x0, outline.y0) == (0.5, -0.5)  # around 0.7, row 1 column 2 of the window
