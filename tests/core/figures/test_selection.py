"""core/figures/selection.py: which cell a learner clicked, from the payload Streamlit reports for a Plotly click."""

from __future__ import annotations

import pytest

from core.figures.selection import clicked_cell


def click(*points: dict) -> dict:
    """An ``st.plotly_chart(on_select="rerun")`` event holding these points."""
    return {"selection": {"points": list(points), "point_indices": list(range(len(points))), "box": [], "lasso": []}}


def test_customdata_as_a_list_gives_row_and_column():
    assert clicked_cell(click({"x": 9, "y": 9, "customdata": [2, 3]})) == (2, 3)


def test_customdata_as_a_dict_keyed_by_position_gives_row_and_column():
    # Heat maps send their customdata as {"0": row, "1": col}.
    assert clicked_cell(click({"x": 9, "y": 9, "customdata": {"0": 4, "1": 1}})) == (4, 1)
    assert clicked_cell(click({"x": 9, "y": 9, "customdata": {0: 5, 1: 6}})) == (5, 6)


def test_customdata_numbers_as_floats_or_text_are_whole_cells():
    assert clicked_cell(click({"customdata": [2.0, "3"]})) == (2, 3)
    assert clicked_cell(click({"customdata": (1, 0, "extra")})) == (1, 0)  # only the first two count


def test_without_customdata_the_axis_position_is_rounded():
    assert clicked_cell(click({"x": 2.6, "y": 0.4})) == (0, 3)  # (row = y, column = x)
    assert clicked_cell(click({"x": "4", "y": "1"})) == (1, 4)


@pytest.mark.parametrize("custom", [None, [1], [None, 2], {"0": 1}, "3,4", ["a", "b"]])
def test_unusable_customdata_falls_back_to_the_axis_position(custom):
    assert clicked_cell(click({"x": 7, "y": 8, "customdata": custom})) == (8, 7)


def test_use_customdata_false_reads_the_axes_only():
    assert clicked_cell(click({"x": 1, "y": 2, "customdata": [5, 6]}), use_customdata=False) == (2, 1)


def test_the_last_point_wins_unless_asked_for_the_first():
    event = click({"customdata": [0, 0]}, {"customdata": [3, 4]})
    assert clicked_cell(event) == (3, 4)
    assert clicked_cell(event, last=False) == (0, 0)


@pytest.mark.parametrize("event", [
    None, {}, [], "clicked", {"selection": None}, {"selection": {}}, {"selection": {"points": []}},
    {"selection": {"points": None}}, click("not a point"), click({"customdata": [1]}), click({"x": 1}),
    click({"y": 1}), click({"x": "left", "y": 2}), click({"x": None, "y": None}),
])
def test_nothing_usable_clicked_gives_none(event):
    assert clicked_cell(event) is None
