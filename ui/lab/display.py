"""How the lab shows a number grid and a line of worked arithmetic."""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from core.figures.number_grid import GridFigure
from ui.components.charts import clickable_chart, show_chart


def show_grid(figure: GridFigure, key: str, on_select: Callable[[], None] | None = None) -> None:
    """The grid's title above it (so it never collides with the ticks), then the grid at its own size."""
    if figure.title:
        st.markdown(f"**{figure.title}**")
    # theme=None: Streamlit's chart theme would add its own margins and fonts around the grid.
    if on_select is None:
        show_chart(figure, key=key, width="content", theme=None)
    else:
        clickable_chart(figure, key=key, on_select=on_select, width="content", theme=None)


def arithmetic(label: str, text: str) -> None:
    """One line of worked arithmetic, large enough to read on a projector."""
    st.markdown(f"**{label}:**")
    st.markdown(f'<div style="font-size:1.3rem;line-height:1.7;margin:-0.4rem 0 0.4rem 0">{html.escape(text)}</div>',
                unsafe_allow_html=True)
