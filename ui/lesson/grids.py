"""Small grids of real numbers as HTML tables: readable from the back of a room, and narrow enough for a phone."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import streamlit as st

from core.arithmetic.numbers import format_number


def grid_html(values: np.ndarray, caption: str, *, decimals: int = 2, signed: bool = True,
              hot: Iterable[tuple[int, int]] = ()) -> str:
    """One table: negatives tinted orange, positives blue (when ``signed``), zeros grey, ``hot`` cells outlined."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"A number grid shows a 2-D matrix, got shape {array.shape}.")
    hot_cells = set(hot)
    rows = []
    for row in range(array.shape[0]):
        cells = []
        for col in range(array.shape[1]):
            value = array[row, col]
            text = format_number(value, decimals)
            classes = ["zero" if text == "0" else ("neg" if value < 0 else "pos") if signed else ""]
            if (row, col) in hot_cells:
                classes.append("hot")
            cells.append(f'<td class="{" ".join(c for c in classes if c)}">{text}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="lesson-grid"><caption>{caption}</caption>{"".join(rows)}</table>'


def show_grids(tables: list[str]) -> None:
    """Tables side by side, wrapping onto the next line on a narrow screen."""
    st.markdown(f'<div class="lesson-grids">{"".join(tables)}</div>', unsafe_allow_html=True)
