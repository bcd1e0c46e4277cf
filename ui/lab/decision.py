"""The "To a decision" view: flatten, one dense neuron, dropout and the sigmoid, with numbers to edit.

One function per step; each shows its step and hands the next one what it
needs, or returns None after saying what is wrong (the later steps then wait).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.arithmetic import convolution, dense, lab_decision, numbers
from ui.components.number_grid import number_grid
from ui.lab import keys, state
from ui.lab.display import arithmetic, checked_number_input, read_grid, show_input_notes


def _vector_editor(label: str, values: list[float], names: list[str], key: str, what: str) -> np.ndarray | None:
    """One column of numbers headed ``label``, a row per name (so it fits a phone); checked, None after a message."""
    cells = number_grid(np.asarray(values, dtype=np.float64)[:, None], key, column_names=[label], row_names=names,
                        narrow=True)
    checked = read_grid(cells, name=what, max_rows=dense.MAX_VECTOR, max_cols=1, row_names=names)
    return None if checked is None else checked[:, 0]


def _bias_input(label: str, key: str, default: float) -> float:
    """A bias in its own narrow column, checked like every lab number."""
    st.session_state.setdefault(key, default)
    column, _ = st.columns([1, 3])
    checked_number_input(column, label, -numbers.MAX_BIAS, numbers.MAX_BIAS, key=key, name=label, whole=False,
                         step=0.5, format="%g")
    show_input_notes()
    return st.session_state[key]


def flatten_step(conv_result: convolution.ConvolutionResult | None) -> tuple[np.ndarray, tuple[int, int]] | None:
    """1. The pooled map (the convolution's, or an example) to edit, and the vector it flattens to."""
    st.subheader("1 · Flatten", anchor=False)
    st.markdown(lab_decision.flatten_intro())
    example = lab_decision.pooled_example(None if conv_result is None else conv_result.output)
    st.markdown(example.intro)
    rows, cols = example.matrix.shape
    cells = number_grid(example.matrix, f"{keys.POOLED_EDITOR_KEY}_{state.editor_version()}_{rows}x{cols}")
    pooled = read_grid(cells, name="pooled map")
    if pooled is None:
        return None
    vector = dense.flatten(pooled)
    st.markdown(lab_decision.flattened_text((rows, cols), vector))
    return vector, pooled.shape


def dense_step(vector: np.ndarray, shape: tuple[int, int]) -> dense.NeuronStep | None:
    """2. One dense neuron on the vector: z = w·x + b, then ReLU, with its weights and bias to edit."""
    st.subheader("2 · One dense neuron: z = w·x + b, then ReLU", anchor=False)
    weights = _vector_editor("w", lab_decision.default_weights(vector.size), dense.flatten_labels(shape),
                             f"{keys.DENSE_WEIGHTS_KEY}_{vector.size}", "weights")
    if weights is None:
        return None
    bias = _bias_input("Bias b", keys.DENSE_BIAS_KEY, lab_decision.DENSE_BIAS)
    try:
        neuron = dense.dense_neuron(vector, weights, bias)
    except ValueError as error:
        st.error(str(error))
        return None
    with st.container(key=keys.NEURON_TEXT_KEY):
        arithmetic("Weighted sum plus bias", neuron.expression)
        arithmetic("ReLU", neuron.activation_text)
        st.markdown(lab_decision.neuron_result_text(neuron))
    return neuron


def dropout_step(neuron: dense.NeuronStep) -> list[float]:
    """3. Dropout on this neuron and its neighbours, a few training steps in a table; returns their activations."""
    st.subheader("3 · Dropout (training only)", anchor=False)
    st.session_state.setdefault(keys.DROPOUT_RATE_KEY, lab_decision.DROPOUT_RATE)
    rate_column, _ = st.columns([2, 3])
    rate_column.slider("Dropout rate", 0.0, 0.9, step=0.1, key=keys.DROPOUT_RATE_KEY)
    rate = float(st.session_state[keys.DROPOUT_RATE_KEY])
    activations = lab_decision.example_activations(neuron.output)
    steps = dense.dropout_steps(activations, rate, steps=lab_decision.DROPOUT_STEPS, seed=lab_decision.DROPOUT_SEED)
    names = lab_decision.neuron_names(len(activations))
    # A static table wraps its cells, so it fits a phone (a data frame would scroll sideways).
    st.table(pd.DataFrame(lab_decision.dropout_table(activations, steps), index=names))
    st.caption(lab_decision.dropout_caption(rate, steps[0].scale))
    return activations


def sigmoid_step(activations: list[float]) -> None:
    """4. The output neuron weighs the (dropout-free) activations; the sigmoid makes z a probability."""
    st.subheader("4 · The output neuron and the sigmoid", anchor=False)
    st.markdown("The output neuron weighs the (dropout-free) activations and adds its bias, giving one number z; "
                "the sigmoid squeezes z into a probability between 0 and 1.")
    names = lab_decision.neuron_names(len(activations))
    output_weights = _vector_editor("v", list(lab_decision.OUTPUT_WEIGHTS), names, keys.OUTPUT_WEIGHTS_KEY,
                                    "output weights")
    if output_weights is None:
        return
    bias = _bias_input("Output bias", keys.OUTPUT_BIAS_KEY, lab_decision.OUTPUT_BIAS)
    try:
        output_neuron = dense.dense_neuron(activations, output_weights, bias, relu=False)
    except ValueError as error:
        st.error(str(error))
        return
    result = dense.sigmoid_step(output_neuron.z)
    with st.container(key=keys.SIGMOID_TEXT_KEY):
        arithmetic("The output neuron (no ReLU)", output_neuron.expression)
        arithmetic("Sigmoid", result.text)
        st.markdown(lab_decision.sigmoid_sentence(result))


def decision_view(conv_result: convolution.ConvolutionResult | None) -> None:
    st.markdown("After the convolution and pooling blocks, the network turns its feature maps into one answer. "
                "Four small steps, with real numbers you can edit.")
    flattened = flatten_step(conv_result)
    if flattened is None:
        return
    neuron = dense_step(*flattened)
    if neuron is None:
        return
    sigmoid_step(dropout_step(neuron))
