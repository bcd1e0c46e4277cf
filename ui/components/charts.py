"""Showing Plotly charts the same way everywhere, and reading a click on one."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.figures.selection import clicked_cell

#: Every chart of the app: no toolbar and no scroll zoom (a lesson's charts are for reading, and a
#: phone scrolls the page, not the chart); a drag still zooms and a double-click resets it.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": "reset"}


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
