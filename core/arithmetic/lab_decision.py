"""The lab's "To a decision" walk: from a small pooled map to one probability, with the sentences it shows.

The arithmetic itself is in core.arithmetic.dense; this module picks the
example numbers and writes what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.arithmetic import dense, pooling, shape_chain
from core.arithmetic.numbers import equals, format_number
from core.arithmetic.presets import POOL_IMAGE

#: Units of the classic model's Dense layer.
DENSE_UNITS = 512

#: The dense neuron's starting weights repeat this pattern, one weight per flattened number.
WEIGHT_PATTERN = (0.5, -0.25, 0.25, -0.125)
DENSE_BIAS = 0.5

#: Neurons 2 to 6 of the dropout and output examples (neuron 1 is the one the learner computed).
OTHER_ACTIVATIONS = (1.5, 0.0, 3.0, 0.8, 2.2)
OUTPUT_WEIGHTS = (0.4, -0.3, 0.2, 0.5, -0.6, 0.3)
OUTPUT_BIAS = -1.0
DROPOUT_RATE = 0.5
DROPOUT_STEPS = 3
DROPOUT_SEED = 7

#: A pooled map this small (cells) is still easy to flatten by hand.
POOLED_CELLS = (4, 9)


def flatten_intro() -> str:
    """How the classic model's 150×150 photo shrinks to the block that Flatten lays out."""
    stages = shape_chain.conv_pool_shapes()
    chain = " → ".join(f"{stage.rows}" for stage in stages)
    last = stages[-1]
    summary = dense.flatten_summary(last.rows, last.cols, last.channels)
    parameters = dense.dense_parameters(summary.size, DENSE_UNITS)
    return (
        f"In the classic model a 150×150 photo shrinks {chain} (each 3×3 'valid' convolution takes 2 away, each 2×2 "
        f"pool halves, rounding down). The last block is {last.text}; Flatten lays it out as one list of "
        f"**{summary.text}** numbers. The Dense layer after it has one weight per number per unit: "
        f"{parameters.text} parameters."
    )


@dataclass(frozen=True, eq=False)
class PooledExample:
    matrix: np.ndarray
    source: str

    @property
    def intro(self) -> str:
        return f"A small pooled map to flatten (from {self.source}; edit it):"


def pooled_example(convolution_output: np.ndarray | None) -> PooledExample:
    """The lab's convolution output after 2×2 max pooling when that is small enough, else the 4×4 example's."""
    if convolution_output is not None:
        try:
            pooled = pooling.pool2d(convolution_output, size=2, stride=2).output
        except ValueError:
            pooled = None
        if pooled is not None and POOLED_CELLS[0] <= pooled.size <= POOLED_CELLS[1]:
            return PooledExample(np.asarray(pooled), "the lab's convolution output after 2×2 max pooling")
    return PooledExample(np.asarray(pooling.pool2d(POOL_IMAGE, size=2).output), "the 4×4 pooling example")


def flattened_text(shape: tuple[int, int], vector: np.ndarray) -> str:
    rows, cols = shape
    return (f"Flatten reads it row by row: {rows} × {cols} = {vector.size} numbers, "
            f"x = [{', '.join(format_number(value) for value in vector)}].")


def default_weights(count: int) -> list[float]:
    return [WEIGHT_PATTERN[index % len(WEIGHT_PATTERN)] for index in range(count)]


def neuron_result_text(neuron: dense.NeuronStep) -> str:
    return (f"This neuron passes on **{format_number(neuron.output)}**. The classic model's Dense layer has "
            "512 such neurons, each with its own 6,272 weights.")


def example_activations(first: float) -> list[float]:
    return [float(first), *OTHER_ACTIVATIONS]


def neuron_names(count: int) -> list[str]:
    return [f"neuron {index + 1}" for index in range(count)]


def dropout_table(activations: list[float], steps: list[dense.DropoutStep]) -> dict[str, list[str]]:
    """Columns of the dropout table: the activations, each training step, and prediction (nothing dropped)."""
    table = {"activation": [format_number(value) for value in activations]}
    for step in steps:
        table[f"training step {step.step}"] = [
            f"{format_number(value)} × {format_number(step.scale)} {equals(value * step.scale, terms=step.scale)}"
            if kept else "dropped → 0"
            for value, kept in zip(activations, step.kept)]
    table["predicting"] = [format_number(value) for value in activations]
    return table


def dropout_caption(rate: float, scale: float) -> str:
    return (f"Neuron 1 is the one computed above; the others are example values. In each training step every "
            f"neuron is dropped with probability {format_number(rate)} and the kept ones are multiplied by "
            f"1 / (1 − {format_number(rate)}) {equals(scale)}, so the total stays the same on "
            "average. When the model predicts, nothing is dropped and nothing is scaled.")


def sigmoid_sentence(result: dense.SigmoidStep) -> str:
    return (f"A probability of {result.probability_text} for class 1, **dogs** (the second folder in "
            f"alphabetical order), so the answer is **{result.predicted}**. σ(0) = 0.5 exactly; above 0.5 means dogs.")
