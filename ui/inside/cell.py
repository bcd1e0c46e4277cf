"""Which cell of the zoomed feature map the drill-down explains: picked by a click or typed in.

The functions take the session state as a parameter (``st.session_state`` on
the page, a plain dict in tests).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

CELL_KEY = "inside_cell"
VERSION_KEY = "inside_cell_version"
LAST_CLICK_KEY = "inside_last_click"
FOR_KEY = "inside_cell_for"


@dataclass(frozen=True)
class Cell:
    row: int
    column: int


def row_key(version: int) -> str:
    return f"inside_row_{version}"


def column_key(version: int) -> str:
    return f"inside_column_{version}"


def version(state: MutableMapping) -> int:
    return int(state.get(VERSION_KEY, 0))


def set_cell(state: MutableMapping, row: int, column: int) -> None:
    """Store the cell and move the number inputs to it."""
    # The number inputs' keys carry a version, so a click or a reset can move them
    # (a widget's own state would otherwise win over a new default value).
    state[CELL_KEY] = (int(row), int(column))
    state[VERSION_KEY] = version(state) + 1


def current_cell(state: MutableMapping, height: int, width: int) -> Cell:
    """The drill-down cell (0-based): typed values win, then the stored cell, clamped to the map.

    The number inputs count from 1, as the learner reads them, so a typed row 1 is row 0 here.
    """
    current_version = version(state)
    row, column = state.get(CELL_KEY, (0, 0))
    typed_row, typed_column = state.get(row_key(current_version)), state.get(column_key(current_version))
    row = row if typed_row is None else int(typed_row) - 1
    column = column if typed_column is None else int(typed_column) - 1
    return Cell(min(max(int(row), 0), height - 1), min(max(int(column), 0), width - 1))


def start_at(state: MutableMapping, owner: tuple, brightest: tuple[int, int]) -> None:
    """Start at the brightest cell whenever the map shown (model, layer, map, photo) changes."""
    if state.get(FOR_KEY) != owner:
        state[FOR_KEY] = owner
        state[LAST_CLICK_KEY] = None
        set_cell(state, *brightest)


def follow_click(state: MutableMapping, clicked_at: tuple[int, int] | None, height: int, width: int) -> None:
    """Move the drill-down to ``clicked_at``, the (row, column) last clicked on the map (see ``charts.clicked``).

    A click is followed once: the chart keeps reporting its last selection on
    every rerun, and a position typed since then must win over that old click.
    """
    if clicked_at is None or clicked_at == state.get(LAST_CLICK_KEY):
        return
    row, column = clicked_at
    if 0 <= row < height and 0 <= column < width:
        state[LAST_CLICK_KEY] = (row, column)
        set_cell(state, row, column)
