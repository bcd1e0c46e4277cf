"""From feature maps to a decision, with real numbers: flatten, one dense neuron, dropout, sigmoid.

Plain NumPy, matching what Keras' Flatten, Dense, Dropout and a sigmoid
output layer compute, with the arithmetic written out for the lab page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core.arithmetic.numbers import (
    TIMES,
    equals,
    format_count,
    format_factor,
    format_number,
    parse_matrix,
    probability_text,
)

MAX_VECTOR = 32  # numbers a learner can still read in one line


@dataclass(frozen=True)
class FlattenSummary:
    """How a (rows, cols, channels) block becomes one long list of numbers."""

    rows: int
    cols: int
    channels: int

    @property
    def size(self) -> int:
        return self.rows * self.cols * self.channels

    @property
    def text(self) -> str:
        return f"{self.rows} {TIMES} {self.cols} {TIMES} {self.channels} = {format_count(self.size)}"


def flatten_summary(rows: int, cols: int, channels: int) -> FlattenSummary:
    for name, value in (("rows", rows), ("columns", cols), ("channels", channels)):
        if int(value) != value or value < 1:
            raise ValueError(f"The block's {name} must be a whole number of at least 1, got {value!r}.")
    return FlattenSummary(int(rows), int(cols), int(channels))


@dataclass(frozen=True)
class DenseParameters:
    inputs: int
    units: int

    @property
    def weights(self) -> int:
        return self.inputs * self.units

    @property
    def total(self) -> int:
        return self.weights + self.units

    @property
    def text(self) -> str:
        return (f"{format_count(self.inputs)} {TIMES} {format_count(self.units)} weights + "
                f"{format_count(self.units)} biases = {format_count(self.total)}")


def dense_parameters(inputs: int, units: int) -> DenseParameters:
    if inputs < 1 or units < 1:
        raise ValueError(f"A dense layer needs at least one input and one unit, got {inputs} and {units}.")
    return DenseParameters(int(inputs), int(units))


def flatten(block: object) -> np.ndarray:
    """Keras' Flatten for one example: row by row, and within each pixel channel by channel."""
    array = parse_matrix(block, name="block to flatten", allow_channels=True)
    return array.reshape(-1)


def flatten_labels(shape: tuple[int, ...]) -> list[str]:
    """Where each flattened number came from, e.g. "r1 c2" or "r1 c2 ch3"."""
    if len(shape) == 2:
        return [f"r{row + 1} c{col + 1}" for row in range(shape[0]) for col in range(shape[1])]
    return [f"r{row + 1} c{col + 1} ch{channel + 1}"
            for row in range(shape[0]) for col in range(shape[1]) for channel in range(shape[2])]


def _vector(values: object, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=object)
    rows = [list(array.ravel())] if array.ndim <= 1 else array.tolist()
    matrix = parse_matrix(rows, name=name, max_rows=1 if array.ndim <= 1 else MAX_VECTOR, max_cols=MAX_VECTOR)
    return matrix.reshape(-1)


@dataclass(frozen=True, eq=False)
class NeuronStep:
    """z = w·x + b, and the activation, written out."""

    inputs: np.ndarray
    weights: np.ndarray
    bias: float
    relu: bool

    @property
    def products(self) -> np.ndarray:
        return self.inputs * self.weights

    @property
    def weighted_sum(self) -> float:
        return float(self.products.sum())

    @property
    def z(self) -> float:
        return self.weighted_sum + self.bias

    @property
    def output(self) -> float:
        return max(0.0, self.z) if self.relu else self.z

    @property
    def expression(self) -> str:
        terms = " + ".join(f"{format_factor(weight)}{TIMES}{format_factor(value)}"
                           for weight, value in zip(self.weights, self.inputs))
        return (f"z = {terms} + {format_factor(self.bias)} "
                f"{equals(self.z, terms=(self.weights, self.inputs, self.bias))}")

    @property
    def activation_text(self) -> str:
        return f"ReLU({format_number(self.z)}) = max(0, {format_number(self.z)}) {equals(max(0.0, self.z))}"


def dense_neuron(inputs: object, weights: object, bias: float = 0.0, *, relu: bool = True) -> NeuronStep:
    """One unit of a Dense layer: multiply each input by its weight, add them up, add the bias."""
    input_vector = _vector(inputs, "inputs")
    weight_vector = _vector(weights, "weights")
    if input_vector.size != weight_vector.size:
        raise ValueError(f"The neuron has {weight_vector.size} weights but {input_vector.size} inputs: it needs "
                         "exactly one weight per input.")
    bias_value = parse_matrix([[bias]], name="bias")[0, 0]
    return NeuronStep(input_vector, weight_vector, float(bias_value), bool(relu))


@dataclass(frozen=True, eq=False)
class DropoutStep:
    """One training step of Keras' Dropout: drop some units, scale the survivors up."""

    step: int  # 1-based training step
    rate: float
    activations: np.ndarray
    kept: np.ndarray = field(repr=False)  # bool per unit

    @property
    def scale(self) -> float:
        return 1.0 / (1.0 - self.rate)

    @property
    def outputs(self) -> np.ndarray:
        return np.where(self.kept, self.activations * self.scale, 0.0)

    @property
    def dropped_count(self) -> int:
        return int((~self.kept).sum())


def dropout_steps(activations: object, rate: float = 0.5, *, steps: int = 3, seed: int = 0) -> list[DropoutStep]:
    """``steps`` training steps of dropout on the same activations, each with its own random mask.

    Like Keras (inverted dropout), each unit is zeroed with probability
    ``rate`` and the kept ones are multiplied by 1 / (1 − rate), so the
    expected sum is unchanged; at prediction time nothing is dropped.
    """
    values = _vector(activations, "activations")
    rate = float(rate)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"The dropout rate must be at least 0 and below 1, got {format_number(rate)}.")
    generator = np.random.default_rng(int(seed))
    return [DropoutStep(step=number, rate=rate, activations=values,
                        kept=generator.random(values.size) >= rate)
            for number in range(1, steps + 1)]


def sigmoid(z: float) -> float:
    """1 / (1 + e^(−z)), computed without overflow for large |z|."""
    z = float(z)
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    exp_z = math.exp(z)
    return exp_z / (1.0 + exp_z)


def log10_sigmoid(z: float) -> float:
    """log₁₀ σ(z) = −log₁₀(1 + e^(−z)), exact even where σ(z) itself rounds to 0 or 1."""
    z = float(z)
    natural = -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))
    return natural / math.log(10)


@dataclass(frozen=True)
class SigmoidStep:
    z: float
    class_names: tuple[str, str] = ("cats", "dogs")

    @property
    def probability(self) -> float:
        """Probability of class index 1 (the second class, "dogs")."""
        return sigmoid(self.z)

    @property
    def predicted(self) -> str:
        # Above 0.5 means class 1; exactly 0.5 (z = 0) is a tie, which Keras' 0.5 threshold sends to class 0.
        return self.class_names[1] if self.probability > 0.5 else self.class_names[0]

    @property
    def probability_text(self) -> str:
        """The probability as written: ``0.7311``, or ``0.99999… (1 − 2.1 × 10⁻²³), which rounds to 1``."""
        return probability_text(log10_sigmoid(self.z), log10_sigmoid(-self.z))  # σ(−z) = 1 − σ(z)

    @property
    def text(self) -> str:
        z_text = format_number(self.z)
        exponent = format_number(-self.z)
        written = self.probability_text
        sign = equals(self.probability).split(" ")[0] if written == format_number(self.probability) else "="
        return f"σ({z_text}) = 1 / (1 + e^({exponent})) {sign} {written}"


def sigmoid_step(z: float, class_names: tuple[str, str] = ("cats", "dogs")) -> SigmoidStep:
    value = parse_matrix([[z]], name="z")[0, 0]
    return SigmoidStep(float(value), tuple(class_names))  # type: ignore[arg-type]
