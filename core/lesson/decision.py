"""Steps 6 and 7: from the last maps to one list of numbers, one neuron z = w·x + b, the probability, and Grad-CAM."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.arithmetic.dense import NeuronStep, sigmoid_step
from core.arithmetic.numbers import TIMES, format_count, format_factor, format_number
from core.explain.scores import probabilities_from_logits
from core.lesson.checkpoint import StepText, checkpoint
from core.models.layers import walk_layers
from core.models.probe import get_probe, model_input
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer
from core.wording.percent import probability_percent

#: How many of the neuron's largest products are written out.
SHOWN_TERMS = 4


@dataclass(frozen=True, eq=False)
class DecisionLesson:
    class_names: tuple[str, ...]
    collapse_layer: str  # the Flatten or global pooling layer that makes one list
    collapse_kind: str  # "flatten" or "global average pooling"
    collapse_input_shape: tuple[int, int, int]
    collapse_size: int
    first_map_mean: float | None  # global pooling: the mean of map 0, which becomes x[0]
    first_pooled: float | None  # the model's x[0] after global pooling
    hidden: tuple[tuple[str, int], ...]  # dense layers between the list and the output: (path, units)
    output_layer: str
    neuron: NeuronStep  # the output neuron (for softmax: the predicted class's)
    model_probabilities: np.ndarray  # (classes,) the model's own output for the photo

    units: int  # output units: 1 for a sigmoid, one per class for a softmax

    @property
    def is_sigmoid(self) -> bool:
        return self.units == 1

    @property
    def probabilities(self) -> np.ndarray:
        """[P(class 0), P(class 1), ...]: recomputed from z for a sigmoid, the model's own for a softmax."""
        if self.is_sigmoid:
            return probabilities_from_logits(np.array([[self.neuron.z]]))[0]
        return self.model_probabilities

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))

    def top_terms(self) -> list[int]:
        """Indices of the largest products w·x by size."""
        return [int(index) for index in np.argsort(-np.abs(self.neuron.products), kind="stable")[:SHOWN_TERMS]]

    @property
    def terms_text(self) -> str:
        terms = " + ".join(f"{format_factor(self.neuron.weights[i])}{TIMES}{format_factor(self.neuron.inputs[i])}"
                           for i in self.top_terms())
        rest = self.neuron.inputs.size - SHOWN_TERMS
        more = f" + … ({format_count(rest)} more products)" if rest > 0 else ""
        return f"z = {terms}{more} + {format_factor(self.neuron.bias)} = {format_number(self.neuron.z)}"


def _output_dense(model: keras.Model) -> tuple[str, keras.layers.Dense]:
    dense = [(path, layer) for path, layer in walk_layers(model) if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ValueError(f"{model.name!r} has no Dense output layer.")
    return dense[-1]


def decision_lesson(model: keras.Model, pixels: np.ndarray, class_names: tuple[str, ...]) -> DecisionLesson:
    walked = list(walk_layers(model))
    output_path, output = _output_dense(model)
    collapse = next(((path, layer) for path, layer in walked
                     if isinstance(layer, (keras.layers.Flatten, keras.layers.GlobalAveragePooling2D))), None)
    if collapse is None:
        raise ValueError(f"{model.name!r} has no Flatten or global pooling layer before its output.")
    collapse_path, collapse_layer = collapse
    probe = get_probe(model, outputs=[collapse_path], inputs=[collapse_path, output_path])
    result = probe(model_input(model, pixels))
    maps = keras.ops.convert_to_numpy(result.inputs[collapse_path])[0].astype(np.float64)
    listed = keras.ops.convert_to_numpy(result.outputs[collapse_path])[0].astype(np.float64)
    x = keras.ops.convert_to_numpy(result.inputs[output_path])[0].astype(np.float64)
    kernel = keras.ops.convert_to_numpy(output.kernel).astype(np.float64)
    bias = keras.ops.convert_to_numpy(output.bias).astype(np.float64) if output.use_bias else np.zeros(kernel.shape[1])
    model_probabilities = keras.ops.convert_to_numpy(result.probabilities)[0].astype(np.float64)
    units = kernel.shape[1]
    if units == 1:
        unit = 0
        model_probabilities = np.array([1.0 - model_probabilities[0], model_probabilities[0]])
    else:
        unit = int(np.argmax(model_probabilities))
    neuron = NeuronStep(inputs=x, weights=kernel[:, unit], bias=float(bias[unit]), relu=False)
    is_global = isinstance(collapse_layer, keras.layers.GlobalAveragePooling2D)
    paths = [path for path, _ in walked]
    between = walked[paths.index(collapse_path) + 1:paths.index(output_path)]
    lesson = DecisionLesson(
        class_names=tuple(class_names), collapse_layer=collapse_path,
        collapse_kind="global average pooling" if is_global else "flatten",
        collapse_input_shape=tuple(int(v) for v in maps.shape), collapse_size=int(listed.size),
        first_map_mean=float(maps[..., 0].mean()) if is_global else None,
        first_pooled=float(listed[0]) if is_global else None,
        hidden=tuple((path, int(layer.units)) for path, layer in between if isinstance(layer, keras.layers.Dense)),
        output_layer=output_path, neuron=neuron, model_probabilities=model_probabilities, units=units,
    )
    return lesson


def _name(lesson: DecisionLesson, index: int) -> str:
    return singular(lesson.class_names[index]) if index < len(lesson.class_names) else f"class {index}"


def calibrated_sentence(lesson: DecisionLesson, answer: PhotoAnswer, temperature: float) -> str:
    """How the app turns z into the percentage every page shows: z / T, then the sigmoid (or softmax)."""
    label = singular(answer.label)
    if temperature == 1.0:
        return f"The app shows this probability as it is: **{probability_percent(answer.confidence)} {label}**."
    squash = "σ(z / T)" if lesson.is_sigmoid else "softmax(z / T)"
    return (f"Before it shows a percentage, the app divides z by T = {temperature:.2f}, fitted so that its "
            f"percentages match how often it was right: {squash} gives **{probability_percent(answer.confidence)} "
            f"{label}**, the percentage every page shows for this photo.")


def decision_text(lesson: DecisionLesson, answer: PhotoAnswer, temperature: float) -> StepText:
    rows, cols, channels = lesson.collapse_input_shape
    if lesson.collapse_kind == "flatten":
        collapse = (f"Flatten lays the last {rows}×{cols}×{channels} block out as one list of "
                    f"{rows} × {cols} × {channels} = {format_count(lesson.collapse_size)} numbers.")
    else:
        collapse = (f"Global average pooling turns each of the {channels} last {rows}×{cols} maps into one number, "
                    f"its mean (map 0: {format_number(lesson.first_map_mean)}), so the list has "
                    f"{format_count(lesson.collapse_size)} numbers.")
    hidden = "".join(f" A dense layer of {format_count(units)} neurons (`{path}`) then mixes them into "
                     f"{format_count(units)} new numbers." for path, units in lesson.hidden)
    neuron = lesson.neuron
    if lesson.is_sigmoid:
        step = sigmoid_step(neuron.z, tuple(lesson.class_names[:2]))  # type: ignore[arg-type]
        squash = (f"The sigmoid squashes z into a probability: {step.text}, the probability of "
                  f"**{_name(lesson, 1)}**. {calibrated_sentence(lesson, answer, temperature)}")
    else:
        squash = (f"Softmax turns the {lesson.probabilities.size} scores into probabilities that add up to 1. "
                  f"{calibrated_sentence(lesson, answer, temperature)}")
    sentences = (
        collapse + hidden,
        (f"The output neuron multiplies each of its {format_count(neuron.inputs.size)} inputs by its own weight, "
        f"adds them up and adds its bias: z = {format_number(neuron.z)}."),
        squash,
    )
    if lesson.is_sigmoid:
        question = f"The neuron's z is {format_number(neuron.z)}. Which answer does the model lean to?"
        options = [_name(lesson, 0), _name(lesson, 1)]
        right = options[1] if neuron.z > 0 else options[0]
        why = (f"z {'>' if neuron.z > 0 else '≤'} 0 means σ(z) {'>' if neuron.z > 0 else '≤'} 0.5, so "
               f"{right}.")
        return StepText(sentences, checkpoint(question, right, [option for option in options if option != right]
                                              + ["it cannot tell"], why, position=1))
    right = _name(lesson, lesson.predicted)
    wrong = [_name(lesson, index) for index in range(lesson.probabilities.size) if index != lesson.predicted]
    return StepText(sentences, checkpoint("Which class gets the largest probability?", right, wrong,
                                          f"{right}: {probability_percent(answer.confidence)}.",
                                          position=1))
