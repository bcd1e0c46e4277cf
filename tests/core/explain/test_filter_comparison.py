"""A layer's filters next to fresh ones: the counts and the summary sentence."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain.filter_comparison import FRESH_TITLE, FilterComparison
from core.explain.filters import LayerFilters


def layer_filters(shape: tuple[int, int, int, int], bias: np.ndarray | None, fill: float = 0.0,
                  trained: bool = True) -> LayerFilters:
    return LayerFilters(layer="conv2", kernel=np.full(shape, fill, np.float32), bias=bias, trained=trained)


def test_counts_every_weight_and_bias_with_thousands_separators():
    learned = layer_filters((3, 3, 32, 64), np.zeros(64, np.float32))
    comparison = FilterComparison(learned, learned, trained=True)
    assert comparison.size_text == "**conv2**: 64 filters of 3×3×32 weights + 1 bias each = 18,496 numbers."
    assert not comparison.in_colour


def test_a_layer_without_bias_says_so():
    learned = layer_filters((3, 3, 3, 2), None)
    comparison = FilterComparison(learned, learned, trained=True)
    assert comparison.size_text == "**conv2**: 2 filters of 3×3×3 weights (no bias) = 54 numbers."
    assert comparison.in_colour
    assert comparison.summary_text == (
        "This layer has no bias: a batch-normalisation layer right after it adds the offset.")


def test_the_summary_compares_trained_and_fresh_numbers():
    learned = layer_filters((1, 1, 1, 4), np.array([0.0, 0.5, -0.1, 0.2], np.float32))
    learned.kernel[..., 0] = -0.25
    learned.kernel[..., 3] = 0.75
    fresh = layer_filters((1, 1, 1, 4), np.zeros(4, np.float32), trained=False)
    fresh.kernel[..., 1] = 0.5
    comparison = FilterComparison(learned, fresh, trained=True)
    assert comparison.summary_text == (
        "Keras starts every bias at exactly 0 (untrained: 0 of 4 are non-zero). This model: 3 non-zero, "
        "mean +0.1500. Weights: trained range -0.250…+0.750, untrained +0.000…+0.500."
    )
    assert comparison.weight_limit == pytest.approx(0.75)


def test_the_two_sides_are_titled_by_whether_the_model_was_trained():
    learned = layer_filters((3, 3, 3, 2), None)
    assert [title for _, title in FilterComparison(learned, learned, trained=True).sides] == ["trained", FRESH_TITLE]
    assert FilterComparison(learned, learned, trained=False).learned_title == "this model (untrained)"


def test_filters_of_different_shapes_are_not_compared():
    with pytest.raises(ValueError, match="Cannot compare filters"):
        FilterComparison(layer_filters((3, 3, 3, 2), None), layer_filters((3, 3, 3, 4), None), trained=True)


def test_the_introduction_uses_the_layers_kernel_size_and_says_where_biases_start():
    learned = layer_filters((3, 3, 3, 8), np.full(8, 0.1, np.float32))
    fresh = layer_filters((3, 3, 3, 8), np.zeros(8, np.float32), trained=False)
    text = FilterComparison(learned, fresh, trained=True).introduction
    assert "here 3×3 positions" in text and "3×3×3 = 27 numbers per filter in **conv2**" in text
    assert "the weights were small random numbers and every bias was exactly 0" in text


def test_a_pointwise_layer_without_bias_is_not_called_three_by_three():
    learned = LayerFilters(layer="conv_pw_1", kernel=np.zeros((1, 1, 8, 16), np.float32), bias=None, trained=True,
                           frozen=True)
    text = FilterComparison(learned, learned, trained=True).introduction
    assert "here 1×1 positions" in text and "1×1×8 = 8 numbers" in text and "3×3" not in text
    assert "only mixes the channels" in text and "has no bias" in text
    assert "frozen" in text and "random" not in text


def test_an_untrained_model_shows_its_starting_weights():
    learned = layer_filters((3, 3, 3, 2), np.zeros(2, np.float32), trained=False)
    assert "still its random starting weights" in FilterComparison(learned, learned, trained=False).introduction


def test_a_fine_tuned_layer_says_it_started_from_imagenet():
    learned = LayerFilters(layer="base/conv_pw_13", kernel=np.ones((1, 1, 8, 16), np.float32), bias=None,
                           trained=True, fine_tuned=True)
    text = FilterComparison(learned, learned, trained=True).introduction
    assert "started as the base's ImageNet weights" in text and "**fine-tuning**" in text
    assert "Training chose these numbers" not in text and "frozen" not in text
