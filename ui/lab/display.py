"""How the lab shows a number grid and a line of worked arithmetic."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core.arithmetic import numbers
from core.figures.alt_text import grid_table
from core.figures.number_grid import GridFigure
from ui.components.charts import clickable_chart, show_chart
from ui.lab.keys import NOTES_KEY


def show_grid(figure: GridFigure, key: str, on_select: Callable[[], None] | None = None) -> None:
    """The grid's title above it (so it never collides with the ticks), then the grid at its own size, then the
    same numbers as a table in an expander, for a screen reader or anyone who would rather read rows."""
    if figure.title:
        st.markdown(f"**{figure.title}**")
    # theme=None: Streamlit's chart theme would add its own margins and fonts around the grid.
    if on_select is None:
        show_chart(figure, key=key, width="content", theme=None)
    else:
        clickable_chart(figure, key=key, on_select=on_select, width="content", theme=None)
    show_grid_table(figure)


def show_grid_table(figure: GridFigure) -> None:
    """The grid's numbers, row by row, as a table (the text its cells show, so '?' stays '?')."""
    table = grid_table(figure)
    with st.expander(f"{figure.title or 'These numbers'} as a table"):
        st.caption("Rows are numbered down the side and columns across the top, as on the grid.")
        # Bare numbers as headers keep the table as narrow as the grid: a wider one would scroll in its column.
        st.table(pd.DataFrame([list(row) for row in table.cells], index=list(table.rows), columns=list(table.columns)))


def arithmetic(label: str, text: str) -> None:
    """One line of worked arithmetic, large enough to read on a projector."""
    st.markdown(f"**{label}:**")
    st.markdown(f'<div style="font-size:1.3rem;line-height:1.7;margin:-0.4rem 0 0.4rem 0">{html.escape(text)}</div>',
                unsafe_allow_html=True)




def checked_number_input(container, label: str, low: float, high: float, *, key: str, name: str,
                         whole: bool = True, reason: str = "", then: Callable[[], None] | None = None,
                         **options: object) -> None:
    """A number box that takes whatever is typed and keeps it in range with a message, never silently.

    Streamlit's own min/max would quietly ignore a typed 99 (or turn an emptied
    box into the minimum), so the box has no limits and its callback clamps.
    Show the messages with :func:`show_input_notes` below the row of boxes.
    """
    last_key = f"{key}_last_good"
    st.session_state.setdefault(last_key, st.session_state.get(key, low))

    def check() -> None:
        checked = numbers.clamp_number(st.session_state.get(key), low, high, name=name, whole=whole, reason=reason,
                                       previous=st.session_state[last_key])
        value = int(checked.value) if whole else float(checked.value)
        st.session_state[key] = st.session_state[last_key] = value
        if checked.message:
            st.session_state.setdefault(NOTES_KEY, []).append(checked.message)
        if then is not None:
            then()

    if st.session_state.get(key) is not None:
        st.session_state[last_key] = st.session_state[key]  # a preset or a link may have set it meanwhile
    container.number_input(label, key=key, on_change=check, step=1 if whole else options.pop("step", 0.5),
                           **options)


def show_input_notes() -> None:
    """What the number boxes changed on this run (see :func:`checked_number_input`), once."""
    for message in st.session_state.pop(NOTES_KEY, []):
        st.info(message)


def read_grid(cells: object, *, name: str, max_rows: int = numbers.MAX_INPUT_SIDE,
              max_cols: int = numbers.MAX_INPUT_SIDE, column_names: Sequence[str] | None = None,
              row_names: Sequence[str] | None = None) -> np.ndarray | None:
    """An edited grid checked: emptied cells count as 0 with a note; anything else wrong is an error (None)."""
    try:
        reading = numbers.read_cells(cells, name=name, max_rows=max_rows, max_cols=max_cols,
                                     column_names=column_names, row_names=row_names)
    except ValueError as error:
        st.error(str(error))
        return None
    if reading.message:
        st.info(reading.message)
    return reading.matrix
