"""Showing Plotly charts the same way everywhere, and reading a click on one."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.figures.alt_text import describe
from core.figures.selection import clicked_cell

#: Every chart of the app: no toolbar and no scroll zoom (a lesson's charts are for reading, and a
#: phone scrolls the page, not the chart); a drag still zooms and a double-click resets it.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": "reset"}


def show_chart(figure, key: str | None = None, *, width: str = "stretch", theme: str | None = "streamlit",
               alt: str | None = None) -> None:
    """A chart with its text alternative: ``alt`` when the view has a sentence for it, else one worked out from the
    figure's own numbers (core.figures.alt_text). Streamlit gives it to the chart as its accessible name."""
    st.plotly_chart(figure, config=CHART_CONFIG, width=width, key=key, theme=theme, alt=alt or describe(figure))


#: Plotly selects a clicked point from the last hover, and a finger never hovers: on a touch screen a tap would
#: select the point tapped before it (plotly.js #6721). A hover at the finger, sent as the touch starts, makes a
#: tap select its own point. The listener is added once per page (a mouse is untouched), and the element that
#: carries it is hidden, so it adds no gap above the chart.
TAP_SELECTS_ITS_POINT = """<style>
div[data-testid="stElementContainer"]:has(script.tap-selects-its-point) { display: none; }
</style>
<script class="tap-selects-its-point">
if (!window.tapSelectsItsPoint) {
  window.tapSelectsItsPoint = true;
  document.addEventListener('touchstart', event => {
    const drag = event.target.closest && event.target.closest('.js-plotly-plot .nsewdrag');
    if (!drag || event.touches.length !== 1) return;
    const touch = event.touches[0];
    drag.dispatchEvent(new MouseEvent('mousemove', {clientX: touch.clientX, clientY: touch.clientY, bubbles: true}));
  }, {capture: true, passive: true});
}
</script>"""


def clickable_chart(figure, key: str, *, on_select: str | Callable[[], None] = "rerun", width: str = "stretch",
                    theme: str | None = "streamlit", alt: str | None = None) -> None:
    """A chart whose points can be clicked or tapped; read the click with :func:`clicked`. ``alt`` as for
    :func:`show_chart`."""
    st.html(TAP_SELECTS_ITS_POINT, unsafe_allow_javascript=True)
    st.plotly_chart(figure, config=CHART_CONFIG, width=width, key=key, theme=theme, on_select=on_select,
                    selection_mode="points", alt=alt or describe(figure))


def clicked(key: str, *, use_customdata: bool = True) -> tuple[int, int] | None:
    """(row, column) of the last click on the chart with this key, if any."""
    return clicked_cell(st.session_state.get(key), use_customdata=use_customdata)
