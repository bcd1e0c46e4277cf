"""The editable number grid (ui.components.number_grid) the lab uses for its matrices and vectors."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from ui.components.number_grid import number_grid

    cells = number_grid([[1, 2], [3, 4]], "grid")
    row = number_grid([[0.5, -1]], "row", column_names=["a", "b"], row_names=["w"])
    st.markdown(f"grid {cells.tolist()}")
    st.markdown(f"row {row.tolist()}")


def test_the_grid_gives_back_what_was_typed_including_an_emptied_cell():
    app = AppTest.from_function(_script, default_timeout=60)
    app.run()
    assert not app.exception
    assert app.markdown[0].value == "grid [[1.0, 2.0], [3.0, 4.0]]"
    assert app.markdown[1].value == "row [[0.5, -1.0]]"
    app.session_state["grid"] = {"edited_rows": {0: {"2": 7}, 1: {"1": None}}, "added_rows": [], "deleted_rows": []}
    app.session_state["row"] = {"edited_rows": {0: {"b": 2.5}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception
    assert app.markdown[0].value == "grid [[1.0, 7.0], [nan, 4.0]]"  # parse_matrix names the NaN cell
    assert app.markdown[1].value == "row [[0.5, 2.5]]"


def test_narrow_columns_fit_their_longest_number_so_five_fit_a_phone():
    import numpy as np

    from ui.components.number_grid import NARROWEST_COLUMN, editor_column_width

    # One-digit numbers under the header "1": the header (and its edit icon, 2 characters more) decides, 46 px.
    assert editor_column_width(np.array([1.0, 2.0, 3.0]), "1") == 3 * 8 + 22 >= NARROWEST_COLUMN
    # "-0.125" is 6 characters: 6 × 8 px + 22 px of padding.
    assert editor_column_width(np.array([0.5, -0.125]), "2") == 70
    # Five one-digit columns (and the row numbers) fit the 358 px a 390 px phone leaves.
    assert 5 * editor_column_width(np.array([3.0]), "5") + 50 <= 358
