"""Showing Plotly charts the same way everywhere, and reading a click on one."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.figures.selection import clicked_cell

#: No toolbar, no scroll zoom: charts in a lesson are for reading, not for panning.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}


def show_chart(figure, key: str | None = None, *, width: str = "stretch", theme: str | None = "streamlit") -> None:
    st.plotly_chart(figure, config=CHART_CONFIG, width=width, key=key, theme=theme)


def clickable_chart(figure, key: str, *, on_select: str | Callable[[], None] = "rerun", width: str = "stretch",
                    theme: str | None = "streamlit") -> None:
    """A chart whose points can be clicked; read the click with :func:`clicked`."""
    st.plotly_chart(figure, config=CHART_CONFIG, width=width, key=key, theme=theme, on_select=on_select,
                    selection_mode="points")


def clicked(key: str, *, use_customdata: bool = True) -> tuple[int, int] | None:
    """(row, column) of the last click on the chart with this key, if any."""
    return clicked_cell(st.session_state.get(key), use_customdata=use_customdata)
