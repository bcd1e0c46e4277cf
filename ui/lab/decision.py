"""The "To a decision" view: flatten, one dense neuron, dropout and the sigmoid, with numbers to edit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.arithmetic import convolution, dense, lab_decision, numbers
from ui.components.number_grid import number_grid
from ui.lab import state
from ui.lab.display import arithmetic, checked_number_input, read_grid, show_input_notes


def _vector_editor(label: str, values: list[float], names: list[str], key: str, what: str) -> np.ndarray | None:
    """One column of numbers headed ``label``, a row per name (so it fits a phone); checked, None after a message."""
    cells = number_grid(np.asarray(values, dtype=np.float64)[:, None], key, column_names=[label], row_names=names,
                        narrow=True)
    checked = read_grid(cells, name=what, max_rows=dense.MAX_VECTOR, max_cols=1, row_names=names)
    return None if checked is None else checked[:, 0]


def decision_view(conv_result: convolution.ConvolutionResult | None) -> None:
    st.markdown("After the convolution and pooling blocks, the network turns its feature maps into one answer. "
                "Four small steps, with real numbers you can edit.")
    # 1. Flatten
    st.subheader("1 · Flatten", anchor=False)
    st.markdown(lab_decision.flatten_intro())
    example = lab_decision.pooled_example(None if conv_result is None else conv_result.output)
    st.markdown(example.intro)
    rows, cols = example.matrix.shape
    cells = number_grid(example.matrix, f"lab_pooled_editor_{state.editor_version()}_{rows}x{cols}")
    pooled = read_grid(cells, name="pooled map")
    if pooled is None:
        return
    vector = dense.flatten(pooled)
    st.markdown(lab_decision.flattened_text((rows, cols), vector))
    # 2. One dense neuron
    st.subheader("2 · One dense neuron: z = w·x + b, then ReLU", anchor=False)
    weights = _vector_editor("w", lab_decision.default_weights(vector.size), dense.flatten_labels(pooled.shape),
                             f"lab_dense_weights_{vector.size}", "weights")
    if weights is None:
        return
    st.session_state.setdefault("lab_dense_bias", lab_decision.DENSE_BIAS)
    bias_column, _ = st.columns([1, 3])
    checked_number_input(bias_column, "Bias b", -numbers.MAX_BIAS, numbers.MAX_BIAS, key="lab_dense_bias",
                         name="Bias b", whole=False, step=0.5, format="%g")
    show_input_notes()
    try:
        neuron = dense.dense_neuron(vector, weights, st.session_state["lab_dense_bias"])
    except ValueError as error:
        st.error(str(error))
        return
    with st.container(key="lab_neuron_text"):
        arithmetic("Weighted sum plus bias", neuron.expression)
        arithmetic("ReLU", neuron.activation_text)
        st.markdown(lab_decision.neuron_result_text(neuron))
    # 3. Dropout
    st.subheader("3 · Dropout (training only)", anchor=False)
    st.session_state.setdefault("lab_dropout_rate", lab_decision.DROPOUT_RATE)
    rate_column, _ = st.columns([2, 3])
    rate_column.slider("Dropout rate", 0.0, 0.9, step=0.1, key="lab_dropout_rate")
    rate = float(st.session_state["lab_dropout_rate"])
    activations = lab_decision.example_activations(neuron.output)
    steps = dense.dropout_steps(activations, rate, steps=lab_decision.DROPOUT_STEPS, seed=lab_decision.DROPOUT_SEED)
    names = lab_decision.neuron_names(len(activations))
    # A static table wraps its cells, so it fits a phone (a data frame would scroll sideways).
    st.table(pd.DataFrame(lab_decision.dropout_table(activations, steps), index=names))
    st.caption(lab_decision.dropout_caption(rate, steps[0].scale))
    # 4. Sigmoid
    st.subheader("4 · The output neuron and the sigmoid", anchor=False)
    st.markdown("The output neuron weighs the (dropout-free) activations and adds its bias, giving one number z; "
                "the sigmoid squeezes z into a probability between 0 and 1.")
    output_weights = _vector_editor("v", list(lab_decision.OUTPUT_WEIGHTS), names, "lab_output_weights",
                                    "output weights")
    if output_weights is None:
        return
    st.session_state.setdefault("lab_output_bias", lab_decision.OUTPUT_BIAS)
    output_bias_column, _ = st.columns([1, 3])
    checked_number_input(output_bias_column, "Output bias", -numbers.MAX_BIAS, numbers.MAX_BIAS,
                         key="lab_output_bias", name="Output bias", whole=False, step=0.5, format="%g")
    show_input_notes()
    try:
        output_neuron = dense.dense_neuron(activations, output_weights, st.session_state["lab_output_bias"],
                                           relu=False)
    except ValueError as error:
        st.error(str(error))
        return
    result = dense.sigmoid_step(output_neuron.z)
    with st.container(key="lab_sigmoid_text"):
        arithmetic("The output neuron (no ReLU)", output_neuron.expression)
        arithmetic("Sigmoid", result.text)
        st.markdown(lab_decision.sigmoid_sentence(result))
