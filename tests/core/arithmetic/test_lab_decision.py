"""The lab's walk to a decision: the example numbers and their sentences."""

from __future__ import annotations

import numpy as np

from core.arithmetic import dense, lab_decision
from core.arithmetic.convolution import convolve2d
from core.arithmetic.presets import EDGE_IMAGE, VERTICAL_EDGE


def test_flatten_intro_has_the_classic_chain():
    text = lab_decision.flatten_intro()
    assert "150 → 148 → 74 → 72 → 36 → 34 → 17 → 15 → 7" in text
    assert "**7 × 7 × 128 = 6,272** numbers" in text
    assert "6,272 × 512 weights + 512 biases = 3,211,776 parameters" in text


def test_a_3x3_output_pools_to_one_cell_so_the_4x4_example_is_used():
    output = convolve2d(EDGE_IMAGE, VERTICAL_EDGE, relu=True).output
    example = lab_decision.pooled_example(output)
    assert example.matrix.tolist() == [[6, 8], [14, 16]]
    assert example.intro == "A small pooled map to flatten (from the 4×4 pooling example; edit it):"
    assert lab_decision.pooled_example(None).matrix.tolist() == [[6, 8], [14, 16]]


def test_a_4x4_output_pools_to_its_own_2x2_map():
    output = np.array([[1, 2, 0, 0], [3, 4, 0, 5], [0, 0, 9, 0], [7, 0, 0, 8]], dtype=float)
    example = lab_decision.pooled_example(output)
    assert example.matrix.tolist() == [[4, 5], [7, 9]]
    assert example.source == "the lab's convolution output after 2×2 max pooling"


def test_flattened_text_and_default_weights():
    assert lab_decision.flattened_text((2, 2), np.array([6, 8, 14, 16.5])) == (
        "Flatten reads it row by row: 2 × 2 = 4 numbers, x = [6, 8, 14, 16.5].")
    assert lab_decision.default_weights(6) == [0.5, -0.25, 0.25, -0.125, 0.5, -0.25]


def test_dropout_table_writes_each_kept_value_scaled():
    steps = [dense.DropoutStep(step=1, rate=0.5, activations=np.array([3.0, 1.0]), kept=np.array([True, False]))]
    table = lab_decision.dropout_table([3.0, 1.0], steps)
    assert table == {"activation": ["3", "1"], "training step 1": ["3 × 2 = 6", "dropped → 0"],
                     "predicting": ["3", "1"]}
    assert lab_decision.neuron_names(2) == ["neuron 1", "neuron 2"]
    assert "dropped with probability 0.5 and the kept ones are multiplied by 1 / (1 − 0.5) = 2," in (
        lab_decision.dropout_caption(0.5, 2.0))


def test_sigmoid_sentence_gives_the_answer():
    assert lab_decision.sigmoid_sentence(dense.sigmoid_step(0.0)).startswith(
        "A probability of 0.5 for class 1, **dogs** (the second folder in alphabetical order), so the answer is "
        "**cats**.")
    assert "the answer is **dogs**" in lab_decision.sigmoid_sentence(dense.sigmoid_step(2.0))
    assert lab_decision.example_activations(3.0) == [3.0, 1.5, 0.0, 3.0, 0.8, 2.2]
