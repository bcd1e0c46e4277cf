"""THE editable number grid: a small matrix (or one row of numbers) that a learner types into."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.arithmetic import numbers


def number_grid(values: object, key: str, *, column_names: Sequence[str] | None = None,
                row_names: Sequence[str] | None = None, narrow: bool = False) -> np.ndarray:
    """An editable grid of ``values`` (rows of numbers); returns the cells as typed, unchecked.

    Columns and rows are numbered from 1 unless named. The result is an object
    array that may hold None or NaN where a cell was cleared, so check it with
    :func:`core.arithmetic.numbers.parse_matrix`, which says which cell is wrong.
    """
    # Rounded as the lab writes numbers, so a sum's float noise (107.00000000000001) never shows.
    array = numbers.tidy(values)
    if array.ndim != 2:
        raise ValueError(f"A number grid shows a 2-D matrix, got shape {array.shape}.")
    rows, cols = array.shape
    columns = list(column_names) if column_names is not None else [str(col + 1) for col in range(cols)]
    index = list(row_names) if row_names is not None else pd.RangeIndex(1, rows + 1)
    frame = pd.DataFrame(array, columns=columns, index=index)
    # format="plain": no thousands separators or rounding, the number exactly as typed.
    config = {name: st.column_config.NumberColumn(name, format="plain",
                                                  width=editor_column_width(array[:, position], name) if narrow
                                                  else None)
              for position, name in enumerate(columns)}
    edited = st.data_editor(frame, key=key, num_rows="fixed", width="content", column_config=config,
                            placeholder=EMPTY_CELL)
    return edited.to_numpy(dtype=object)


#: What an emptied cell shows (Streamlit would write "None").
EMPTY_CELL = "empty"

#: Pixels per character of a number in the grid's font, and around it (padding and the header's edit icon).
CHARACTER_PIXELS = 8
CELL_PADDING = 22
NARROWEST_COLUMN = 44


def editor_column_width(column: np.ndarray, name: str) -> int:
    """A column just wide enough for its longest number (as typed) or its name, so 5 columns fit a phone."""
    longest = max([len(name) + 2] + [len(str(float(value)).removesuffix(".0")) for value in column])
    return max(NARROWEST_COLUMN, longest * CHARACTER_PIXELS + CELL_PADDING)
