"""core/arithmetic/dense.py: flatten, one dense neuron, dropout and sigmoid, the worked chain after pooling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.arithmetic import dense, lab_decision


def test_classic_flatten_size_and_first_dense_layer():
    summary = dense.flatten_summary(7, 7, 128)
    assert summary.size == 6272
    assert summary.text == "7 × 7 × 128 = 6,272"
    parameters = dense.dense_parameters(6272, 512)
    assert parameters.total == 3_211_776
    assert parameters.text == "6,272 × 512 weights + 512 biases = 3,211,776"


def test_flatten_order_matches_keras():
    keras = pytest.importorskip("keras")
    block = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)
    ours = dense.flatten(block)
    theirs = keras.layers.Flatten()(block[None].astype("float32"))
    np.testing.assert_array_equal(ours, np.asarray(theirs)[0])
    assert dense.flatten_labels((2, 3, 4))[:5] == ["r1 c1 ch1", "r1 c1 ch2", "r1 c1 ch3", "r1 c1 ch4", "r1 c2 ch1"]
    np.testing.assert_array_equal(dense.flatten([[6, 8], [14, 16]]), [6, 8, 14, 16])
    assert dense.flatten_labels((2, 2)) == ["r1 c1", "r1 c2", "r2 c1", "r2 c2"]


def test_dense_neuron_written_out():
    neuron = dense.dense_neuron([6, 8, 14, 16], [0.5, -0.25, 0.1, -0.2], 0.5)
    assert neuron.weighted_sum == pytest.approx(-0.8)
    assert neuron.z == pytest.approx(-0.3)
    assert neuron.output == 0.0
    assert neuron.expression == "z = 0.5×6 + (−0.25)×8 + 0.1×14 + (−0.2)×16 + 0.5 = −0.3"
    assert neuron.activation_text == "ReLU(−0.3) = max(0, −0.3) = 0"
    positive = dense.dense_neuron([1, 2], [2, 3], -1)
    assert positive.z == 7 and positive.output == 7
    linear = dense.dense_neuron([1, 2], [-2, -3], 0, relu=False)
    assert linear.output == -8


def test_dense_neuron_matches_keras():
    keras = pytest.importorskip("keras")
    inputs = np.array([[6.0, 8.0, 14.0, 16.0]], dtype="float32")
    layer = keras.layers.Dense(1, activation="relu")
    layer.build((None, 4))
    weights = np.array([[0.5], [0.25], [0.1], [-0.2]], dtype="float32")
    layer.set_weights([weights, np.array([0.5], dtype="float32")])
    theirs = float(np.asarray(layer(inputs))[0, 0])
    assert dense.dense_neuron(inputs[0], weights[:, 0], 0.5).output == pytest.approx(theirs, rel=1e-6)


def test_dense_neuron_bad_input():
    with pytest.raises(ValueError, match="one weight per input"):
        dense.dense_neuron([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="not a number"):
        dense.dense_neuron([1, "x"], [1, 2])
    with pytest.raises(ValueError, match="empty"):
        dense.dense_neuron([1, None], [1, 2])


def test_dropout_steps_scale_the_kept_neurons():
    activations = [2.0, 1.5, 0.0, 3.0, 0.8, 2.2]
    steps = dense.dropout_steps(activations, 0.5, steps=3, seed=7)
    assert [step.step for step in steps] == [1, 2, 3]
    masks = [tuple(step.kept) for step in steps]
    assert len(set(masks)) > 1  # each training step drops different neurons
    for step in steps:
        assert step.scale == 2.0
        np.testing.assert_allclose(step.outputs, np.where(step.kept, np.array(activations) * 2, 0))
        assert step.dropped_count == int((~step.kept).sum())
    assert all(step.kept.all() for step in dense.dropout_steps(activations, 0.0))
    again = dense.dropout_steps(activations, 0.5, steps=3, seed=7)
    assert [tuple(step.kept) for step in again] == masks  # reproducible for the same seed


def test_dropout_keeps_the_expected_total():
    activations = np.ones(20_000)
    steps = dense.dropout_steps(activations.tolist()[:32], 0.5, steps=1)
    assert steps[0].outputs.shape == (32,)
    generator_total = np.mean([dense.dropout_steps([1.0] * 32, 0.3, steps=1, seed=seed)[0].outputs.mean()
                               for seed in range(300)])
    assert generator_total == pytest.approx(1.0, abs=0.05)


def test_dropout_bad_rate():
    with pytest.raises(ValueError, match="below 1"):
        dense.dropout_steps([1, 2], 1.0)
    with pytest.raises(ValueError, match="at least 0"):
        dense.dropout_steps([1, 2], -0.1)


def test_sigmoid():
    assert dense.sigmoid(0) == 0.5
    assert dense.sigmoid(2) == pytest.approx(1 / (1 + math.exp(-2)))
    assert dense.sigmoid(-1000) == 0.0 and dense.sigmoid(1000) == 1.0  # no overflow
    assert dense.sigmoid(-3) == pytest.approx(1 - dense.sigmoid(3))
    step = dense.sigmoid_step(2)
    assert step.text == "σ(2) = 1 / (1 + e^(−2)) ≈ 0.8808"
    assert step.predicted == "dogs"
    assert dense.sigmoid_step(-2).predicted == "cats"
    tie = dense.sigmoid_step(0)
    assert tie.probability == 0.5 and tie.text == "σ(0) = 1 / (1 + e^(0)) = 0.5" and tie.predicted == "cats"
    with pytest.raises(ValueError, match="not a number"):
        dense.sigmoid_step("abc")


def test_flatten_summary_bad_sizes():
    with pytest.raises(ValueError, match="at least 1"):
        dense.flatten_summary(0, 7, 128)
    with pytest.raises(ValueError, match="at least one"):
        dense.dense_parameters(0, 512)


def test_log10_sigmoid_is_exact_where_the_sigmoid_itself_rounds():
    assert dense.log10_sigmoid(0) == pytest.approx(math.log10(0.5))
    assert dense.log10_sigmoid(-2) == pytest.approx(math.log10(1 / (1 + math.exp(2))))
    # σ(−2000) underflows to 0, but its logarithm is −2000 / ln 10 (plus a vanishing log term).
    assert dense.log10_sigmoid(-2000) == pytest.approx(-2000 / math.log(10))
    assert dense.log10_sigmoid(2000) == 0.0


@pytest.mark.parametrize(("z", "text", "sentence_start"), [
    (52.28, "σ(52.28) = 1 / (1 + e^(−52.28)) = 0.99999… (1 − 2 × 10⁻²³, which rounds to 1)",
     "A probability of 0.99999… (1 − 2 × 10⁻²³, which rounds to 1) for class 1"),
    (-52.28, "σ(−52.28) = 1 / (1 + e^(52.28)) = 0.00000… (2 × 10⁻²³, which rounds to 0)",
     "A probability of 0.00000… (2 × 10⁻²³, which rounds to 0) for class 1"),
    (1, "σ(1) = 1 / (1 + e^(−1)) ≈ 0.7311", "A probability of 0.7311 for class 1"),
    (0, "σ(0) = 1 / (1 + e^(0)) = 0.5", "A probability of 0.5 for class 1"),
])
def test_a_probability_that_only_rounds_to_1_says_so(z, text, sentence_start):
    # e^(−52.28) ≈ 2.0 × 10⁻²³, so σ(52.28) = 1 − 2 × 10⁻²³ to two figures.
    step = dense.sigmoid_step(z)
    assert step.text == text
    assert lab_decision.sigmoid_sentence(step).startswith(sentence_start)
