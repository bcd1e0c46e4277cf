"""THE editable number grid: a small matrix (or one row of numbers) that a learner types into."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st


def number_grid(values: object, key: str, *, column_names: Sequence[str] | None = None,
                row_names: Sequence[str] | None = None, narrow: bool = False) -> np.ndarray:
    """An editable grid of ``values`` (rows of numbers); returns the cells as typed, unchecked.

    Columns and rows are numbered from 1 unless named. The result is an object
    array that may hold None or NaN where a cell was cleared, so check it with
    :func:`core.arithmetic.numbers.parse_matrix`, which says which cell is wrong.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"A number grid shows a 2-D matrix, got shape {array.shape}.")
    rows, cols = array.shape
    columns = list(column_names) if column_names is not None else [str(col + 1) for col in range(cols)]
    index = list(row_names) if row_names is not None else pd.RangeIndex(1, rows + 1)
    frame = pd.DataFrame(array, columns=columns, index=index)
    # format="plain": no thousands separators or rounding, the number exactly as typed.
    width = {"width": "small"} if narrow else {}
    edited = st.data_editor(frame, key=key, num_rows="fixed", width="content",
                            column_config={name: st.column_config.NumberColumn(name, format="plain", **width)
                                           for name in columns})
    return edited.to_numpy(dtype=object)
