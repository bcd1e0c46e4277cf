"""The drill-down cell: started at the brightest cell, moved by clicks, overridden by typed positions."""

from __future__ import annotations

from core.figures.selection import clicked_cell
from ui.inside import cell

#: What Streamlit stores for a click on the zoomed map: the invisible cell markers' customdata arrives as a dict.
CLICK = {"selection": {"points": [{"x": 3, "y": 2, "customdata": {"0": 2, "1": 3}, "curve_number": 1,
                                   "point_number": 299, "point_index": 299}],
                       "point_indices": [299], "box": [], "lasso": []}}


def started_state() -> dict:
    state: dict = {}
    cell.start_at(state, ("classic", "conv1", 0, "digest"), (10, 20))
    return state


def test_a_new_map_starts_at_its_brightest_cell():
    state = started_state()
    assert cell.current_cell(state, 148, 148) == cell.Cell(10, 20)
    assert cell.version(state) == 1
    # The same map again keeps the cell; another map starts over.
    state[cell.CELL_KEY] = (1, 1)
    cell.start_at(state, ("classic", "conv1", 0, "digest"), (10, 20))
    assert cell.current_cell(state, 148, 148) == cell.Cell(1, 1)
    cell.start_at(state, ("classic", "conv1", 5, "digest"), (7, 8))
    assert cell.current_cell(state, 148, 148) == cell.Cell(7, 8)


def test_a_click_moves_the_cell_and_the_number_inputs():
    state = started_state()
    cell.follow_click(state, clicked_cell(CLICK), 148, 148)
    assert cell.current_cell(state, 148, 148) == cell.Cell(2, 3)
    assert cell.version(state) == 2  # new number-input keys, so they show the clicked cell


def test_the_same_click_reported_again_does_not_undo_a_typed_position():
    state = started_state()
    cell.follow_click(state, clicked_cell(CLICK), 148, 148)
    state[cell.row_key(cell.version(state))] = 40  # typed as the learner counts, from 1
    cell.follow_click(state, clicked_cell(CLICK), 148, 148)
    assert cell.current_cell(state, 148, 148) == cell.Cell(39, 3)


def test_clicks_outside_the_map_or_nothing_clicked_change_nothing():
    state = started_state()
    cell.follow_click(state, (200, 3), 148, 148)
    cell.follow_click(state, clicked_cell({"selection": {"points": []}}), 148, 148)
    assert cell.current_cell(state, 148, 148) == cell.Cell(10, 20)
    assert cell.version(state) == 1


def test_the_cell_is_clamped_to_a_smaller_map():
    state = started_state()
    assert cell.current_cell(state, 8, 8) == cell.Cell(7, 7)
