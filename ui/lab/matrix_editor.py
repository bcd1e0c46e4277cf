"""The editor of the lab's input or kernel: the grid, and an expander to resize, type or paste it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.arithmetic import numbers
from core.arithmetic.lab_settings import resized_matrix
from ui.components.number_grid import number_grid
from ui.lab import state
from ui.lab.display import read_grid

#: The most characters the paste box takes: the largest grid, numbers of up to 24 characters and a separator.
PASTE_MAX_CHARACTERS = numbers.MAX_INPUT_SIDE ** 2 * 25


def matrix_editor(name: str, max_side: int, key_suffix: str = "") -> np.ndarray | None:
    """An editable grid for the lab's ``name`` ("image" or "kernel"); returns the checked matrix or None.

    Widget keys carry the editor version, so loading a preset or a crop starts fresh grids.
    """
    what = "kernel" if name == "kernel" else "input"
    version = state.editor_version()
    keys = {control: f"lab_{name}_{control}_{version}{key_suffix}" for control in ("editor", "rows", "cols", "text",
                                                                                    "paste")}
    base = state.matrix(name)
    rows, cols = base.shape
    cells = number_grid(base, keys["editor"], narrow=True)
    matrix = read_grid(cells, name=what, max_rows=max_side, max_cols=max_side)
    if matrix is not None and not np.array_equal(matrix, base):
        st.session_state[f"lab_{name}"] = matrix.tolist()  # so other views and the link see the edit
    current = matrix if matrix is not None else base
    with st.expander(f"Resize, type or paste the {what}"):
        size_left, size_right = st.columns(2)
        new_rows = int(size_left.number_input("Rows", 1, max_side, int(rows), key=keys["rows"]))
        new_cols = int(size_right.number_input("Columns", 1, max_side, int(cols), key=keys["cols"]))
        if (new_rows, new_cols) != (rows, cols):
            state.set_matrix(name, resized_matrix(current, new_rows, new_cols))
            st.rerun()
        _show_numbers_in_use(keys["text"], numbers.matrix_to_text(current))
        # Bounded like every input: room for the largest grid with generous numbers, nothing more.
        text = st.text_area("One row per line; numbers separated by commas or spaces.", key=keys["text"],
                            max_chars=PASTE_MAX_CHARACTERS)
        if st.button("Use these numbers", key=keys["paste"]):
            try:
                pasted = numbers.parse_matrix_text(text, name=what, max_rows=max_side, max_cols=max_side)
            except ValueError as error:
                st.error(str(error))
            else:
                state.set_matrix(name, pasted)
                state.restart_steps()
                st.rerun()
    return matrix


def _show_numbers_in_use(text_key: str, in_use: str) -> None:
    """Put the numbers in use into the paste box when they changed (a grid edit), keeping text being typed."""
    shown_key = f"{text_key}_shown"
    if text_key not in st.session_state or st.session_state.get(shown_key) != in_use:
        st.session_state[text_key] = st.session_state[shown_key] = in_use
