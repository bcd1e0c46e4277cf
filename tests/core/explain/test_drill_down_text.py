"""The drill-down written out, on arithmetic records with hand-picked numbers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.arithmetic.lab_steps import outside, padding_note, window_span
from core.explain.drill_down import ConvArithmetic, PoolArithmetic
from core.explain.drill_down_text import ConvStory, PoolStory


def conv_arithmetic(channels: int = 3, activation: str = "relu", model_value: float = 1.5,
                    channel_sums: tuple[float, ...] | None = None) -> ConvArithmetic:
    window = np.ones((3, 3, channels), np.float32)
    kernel = np.full((3, 3, channels), 0.5, np.float32)
    recomputed = 1.5 if activation != "sigmoid" else 0.817574
    return ConvArithmetic(
        layer="conv1", row=4, column=7, channel=2, input_top=4, input_left=7, input_shape=(150, 150),
        window=window, kernel=kernel,
        products=window * kernel, channel_sums=np.array(channel_sums or [0.5] * channels), weighted_sum=1.25,
        bias=0.25, pre_activation=1.5, activation=activation, recomputed=recomputed, model_value=model_value,
    )


def test_the_introduction_names_the_window_its_source_and_the_filter():
    story = ConvStory(conv_arithmetic(), "the photo rescaled by the model (pixel ÷ 255)", reads_photo=True)
    # Rows and columns count from 1, as in the lab: 0-based row 4 is row 5, and its window covers rows 5–7.
    assert story.introduction == (
        "The value at row 5, column 8 of map 3 comes from filter 3 of **conv1** on a 3×3×3 window of the photo "
        "rescaled by the model (pixel ÷ 255): input rows 5–7, columns 8–10. Rows and columns count from 1, as in "
        "the lab."
    )
    assert story.channel_names == ["red channel", "green channel", "blue channel"]
    assert not story.many_channels


def test_the_working_ends_with_the_models_own_value():
    story = ConvStory(conv_arithmetic(), "x", reads_photo=True)
    assert story.working.splitlines() == [
        "sum of all 27 products (window × kernel) = +1.250000",
        "+ bias +0.250000 = +1.500000",
        "ReLU: max(0, +1.500000) = 1.500000",
        "the model computed 1.500000",
    ]
    assert story.matches and story.verdict == "Recomputed 1.500000 · matches the model: ✓"


def test_other_activations_get_their_own_line_and_linear_none():
    sigmoid = ConvStory(conv_arithmetic(activation="sigmoid", model_value=0.817574), "x", reads_photo=False)
    assert "sigmoid(+1.500000) = 0.817574" in sigmoid.working.splitlines()
    linear = ConvStory(conv_arithmetic(activation="linear"), "x", reads_photo=False)
    assert len(linear.working.splitlines()) == 3


def test_a_mismatch_is_reported_with_both_numbers():
    story = ConvStory(conv_arithmetic(model_value=2.0), "x", reads_photo=True)
    assert not story.matches
    assert story.verdict == "Recomputed 1.500000 but the model has 2.000000: ✗"


def test_many_input_maps_show_the_three_that_add_the_most():
    story = ConvStory(conv_arithmetic(channels=5, channel_sums=(0.1, -0.9, 0.3, 0.05, 0.6)), "x", reads_photo=False)
    assert story.many_channels
    assert story.strongest_channels == [1, 4, 2]
    assert story.channel_names is None


def test_a_three_channel_deeper_layer_has_numbered_maps_not_colours():
    assert ConvStory(conv_arithmetic(channels=3), "x", reads_photo=False).channel_names is None


def test_pooling_keeps_the_largest_value_of_its_window():
    arithmetic = PoolArithmetic(layer="pool2", row=1, column=2, channel=5, input_top=2, input_left=4,
                                input_shape=(148, 148), window=np.array([[0.1, 0.7], [0.3, 0.2]]), operation="max",
                                recomputed=0.7, model_value=0.7)
    story = PoolStory(arithmetic, "**conv2**")
    assert story.introduction == (
        "The value at row 2, column 3 of map 6 of **pool2**: it takes a 2×2 window of map 6 of **conv2** "
        "(rows 3–4, columns 5–6) and keeps its max. No weights, nothing learned. Rows and columns count from 1, "
        "as in the lab."
    )
    assert story.working == "max of the window = 0.700000\nthe model computed 0.700000"
    assert story.verdict == "Recomputed 0.700000 · matches the model: ✓"


def test_a_window_over_the_top_left_padding_says_it_is_zero_padding():
    arithmetic = replace(conv_arithmetic(), row=0, column=0, input_top=-1, input_left=-1, input_shape=(5, 5))
    text = ConvStory(arithmetic, "the photo", reads_photo=True).introduction
    assert "input rows 0–2, columns 0–2." in text
    assert ("Row 0 and column 0 lie outside the 5×5 input: that is zero padding (the layer adds zeros around its "
            "input so the window fits), so the window's numbers there are 0.") in text


def test_padding_past_the_bottom_and_right_edges_is_named_too():
    assert padding_note(3, 3, 3, 3, (5, 5), "padding.") == " Row 6 and column 6 lie outside the 5×5 input: padding."
    assert padding_note(4, 0, 3, 3, (5, 5), "padding.") == " Rows 6 and 7 lie outside the 5×5 input: padding."
    assert padding_note(-1, 1, 3, 3, (5, 5), "padding.") == " Row 0 lies outside the 5×5 input: padding."
    assert padding_note(0, 0, 3, 3, (5, 5), "padding.") == ""  # all inside: nothing to say
    assert outside(-2, 5, 2) == [-1, 0, 3]
    assert window_span(-1, 3, "row") == "rows 0–2" and window_span(4, 1, "column") == "column 5"


def test_a_pooling_window_over_padding_says_the_padding_is_left_out():
    arithmetic = PoolArithmetic(layer="pool1", row=2, column=0, channel=0, input_top=4, input_left=0,
                                input_shape=(5, 5), window=np.array([[0.1, 0.7], [np.nan, np.nan]]),
                                operation="max", recomputed=0.7, model_value=0.7)
    assert ("Row 6 lies outside the 5×5 input: that is padding, which max pooling leaves out (the cells marked "
            "“pad”).") in PoolStory(arithmetic, "**conv1**").introduction


def test_the_colour_caption_says_the_colours_are_signs_not_channels():
    unsigned = ConvStory(conv_arithmetic(), "x", reads_photo=True)
    assert not unsigned.window_is_signed
    assert unsigned.colour_caption.startswith("Colours show the sign of each number, not a colour channel: blue "
                                              "is positive, orange is negative, white is 0")
    assert "no negative numbers, so it is gray" in unsigned.colour_caption
    signed_window = conv_arithmetic()
    signed_window.window[0, 0, 0] = -1.0
    assert "same scale" in ConvStory(signed_window, "x", reads_photo=True).colour_caption
