"""Shapes through conv/pool blocks: the classic model's valid-padding chain and the tutorials' same-padding one."""

from __future__ import annotations

import pytest

from core.arithmetic import shape_chain, sizes


def test_the_padding_mistake_numbers():
    comparison = shape_chain.padding_comparison()
    assert comparison.valid_sizes == (150, 148, 74, 72, 36, 34, 17, 15, 7)
    assert comparison.same_sizes == (150, 150, 75, 75, 37, 37, 18, 18, 9)
    assert comparison.flatten_valid == 6_272 and comparison.flatten_same == 10_368
    assert comparison.dense_valid == 3_211_776
    assert comparison.dense_same == 5_308_928  # the tutorials' 5,308,416 also forgets the 512 biases
    assert comparison.flatten_same * comparison.dense_units == 5_308_416


def test_layer_output_sizes_follow_keras():
    assert sizes.layer_output_size(150, 3) == 148
    assert sizes.layer_output_size(150, 3, 1, "same") == 150
    assert sizes.layer_output_size(7, 3, 2, "valid") == 3
    assert sizes.layer_output_size(7, 3, 2, "same") == 4
    assert sizes.layer_output_size(2, 3) == 0
    assert [sizes.layer_output_size(size, 2, 2) for size in (148, 17, 15, 1)] == [74, 8, 7, 0]
    with pytest.raises(ValueError):
        sizes.layer_output_size(10, 3, 1, "full")

