"""The drill-down written out, on arithmetic records with hand-picked numbers."""

from __future__ import annotations

import numpy as np

from core.explain.drill_down import ConvArithmetic, PoolArithmetic
from core.explain.drill_down_text import ConvStory, PoolStory


def conv_arithmetic(channels: int = 3, activation: str = "relu", model_value: float = 1.5,
                    channel_sums: tuple[float, ...] | None = None) -> ConvArithmetic:
    window = np.ones((3, 3, channels), np.float32)
    kernel = np.full((3, 3, channels), 0.5, np.float32)
    recomputed = 1.5 if activation != "sigmoid" else 0.817574
    return ConvArithmetic(
        layer="conv1", row=4, column=7, channel=2, input_top=4, input_left=7, window=window, kernel=kernel,
        products=window * kernel, channel_sums=np.array(channel_sums or [0.5] * channels), weighted_sum=1.25,
        bias=0.25, pre_activation=1.5, activation=activation, recomputed=recomputed, model_value=model_value,
    )


def test_the_introduction_names_the_window_its_source_and_the_filter():
    story = ConvStory(conv_arithmetic(), "the photo rescaled by the model (pixel ÷ 255)", reads_photo=True)
    assert story.introduction == (
        "The value at row 4, column 7 of map 2 comes from a 3×3×3 window of the photo rescaled by the model "
        "(pixel ÷ 255), starting at input row 4, column 7, and filter 2 of **conv1**."
    )
    assert story.channel_names == ["red", "green", "blue"]
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
                                window=np.array([[0.1, 0.7], [0.3, 0.2]]), operation="max", recomputed=0.7,
                                model_value=0.7)
    story = PoolStory(arithmetic, "**conv2**")
    assert story.introduction == (
        "**pool2** takes a 2×2 window of map 5 of **conv2** (starting at row 2, column 4) and keeps its max. "
        "No weights, nothing learned."
    )
    assert story.working == "max of the window = 0.700000\nthe model computed 0.700000"
    assert story.verdict == "Recomputed 0.700000 · matches the model: ✓"
