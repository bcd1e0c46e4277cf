"""Number-grid figures: valid Plotly, the numbers in the cells, the "?" cells still to come, and sizes that fit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.figures.number_grid import (
    CELL_PIXELS,
    HIGHLIGHT,
    MIN_CELL,
    GridFigure,
    default_cell,
    filled_through,
    fit_cells,
    format_labels,
    label_font_size,
    needed_cell,
    number_grid_figure,
    progress_figure,
    text_colours,
)


def _scatter(figure: GridFigure) -> dict:
    return figure.to_dict()["data"][1]


def test_the_figure_is_valid_plotly_and_keeps_its_title_apart():
    figure = number_grid_figure(np.array([[1, -2], [3.5, 0]]), title="Kernel", diverging=True,
                                highlight=(0, 1, 1, 1), frame=(0, 0, 2, 2))
    assert isinstance(figure, GridFigure) and figure.title == "Kernel"
    go.Figure(figure.to_dict())  # raises if any property is wrong
    assert "title" not in figure.to_dict()["layout"]


def test_cells_carry_their_numbers_and_one_based_positions():
    figure = number_grid_figure(np.array([[1, -2], [3.5, 0]]), row_offset=-1, col_offset=4)
    scatter = _scatter(figure)
    assert scatter["text"] == ["1", "−2", "3.5", "0"]
    assert scatter["x"] == [0, 1, 0, 1] and scatter["y"] == [0, 0, 1, 1]
    assert scatter["customdata"] == [[0, 5], [0, 6], [1, 5], [1, 6]]
    layout = figure.to_dict()["layout"]
    assert layout["xaxis"]["ticktext"] == ["5", "6"] and layout["yaxis"]["ticktext"] == ["0", "1"]


def test_highlight_and_frame_are_boxes_around_cells():
    shapes = number_grid_figure(np.zeros((4, 4)), highlight=(1, 2, 2, 2), frame=(1, 1, 2, 2)).to_dict()["layout"][
        "shapes"]
    frame, edge, highlight = shapes
    assert (frame["x0"], frame["x1"], frame["y0"], frame["y1"]) == (0.5, 2.5, 0.5, 2.5)
    assert frame["line"]["dash"] == "dash"
    assert (highlight["x0"], highlight["x1"], highlight["y0"], highlight["y1"]) == (1.5, 3.5, 0.5, 2.5)
    assert highlight["line"]["color"] == HIGHLIGHT
    # A wider black box under the orange one edges it, so it shows on an orange (negative) cell too.
    assert (edge["x0"], edge["y0"], edge["line"]["color"]) == (1.5, 0.5, "black")
    assert edge["line"]["width"] > highlight["line"]["width"]


def test_dim_cells_are_grey_and_nan_cells_blank():
    figure = number_grid_figure(np.array([[np.nan, 5.0]]), dim=np.array([[False, True]]), value_range=(0, 10))
    assert figure.to_dict()["data"][0]["z"] == [[None, 5.0]]
    assert _scatter(figure)["textfont"]["color"] == ["#555555", "#8a8a8a"]


def test_diverging_range_is_symmetric_around_zero():
    heatmap = number_grid_figure(np.array([[-1.0, 4.0]]), diverging=True).to_dict()["data"][0]
    assert (heatmap["zmin"], heatmap["zmax"]) == (-4.0, 4.0)


def test_text_colour_contrasts_with_the_cell():
    assert text_colours(np.array([0.0, 10.0]), 0, 10, diverging=False) == ["white", "black"]
    # White on the darkest blues only (#2166ac: 5.9:1 against white, 3.6:1 against black); black reads best on
    # light cells and on the whole orange side (#e66101: 6.1:1 against black).
    assert text_colours(np.array([-10.0, 1.0, 8.0, 10.0]), -10, 10, diverging=True) == ["black", "black", "black",
                                                                                         "white"]


def test_wrong_labels_or_shape_are_refused():
    with pytest.raises(ValueError, match="labels have shape"):
        number_grid_figure(np.zeros((2, 2)), labels=np.array(["a"]))
    with pytest.raises(ValueError, match="2-D"):
        number_grid_figure(np.zeros(3))


def test_progress_figure_shows_the_cells_done_and_question_marks():
    output = np.array([[-2, 2, 2], [-2, -2, 2]], dtype=float)
    figure = progress_figure(output, 3, title="Output", value_range=(-2, 2), diverging=True)
    assert _scatter(figure)["text"] == ["−2", "2", "2", "−2", "?", "?"]
    highlight = figure.to_dict()["layout"]["shapes"][-1]
    assert (highlight["x0"], highlight["y0"]) == (-0.5, 0.5)  # row 2, column 1
    heatmap = figure.to_dict()["data"][0]
    assert (heatmap["zmin"], heatmap["zmax"]) == (-2, 2)


def test_filled_through_refuses_a_step_past_the_end():
    assert np.isnan(filled_through(np.ones((2, 2)), 1)).tolist() == [[False, False], [True, True]]
    with pytest.raises(ValueError, match="Step 5 does not exist"):
        filled_through(np.ones((2, 2)), 4)


def test_format_labels_uses_the_lab_s_number_style():
    assert format_labels(np.array([[3.0, -0.5]])).tolist() == [["3", "−0.5"]]


def test_fit_cells_shrinks_cells_to_fit_the_row():
    # (690 px − 3 × (46 + 18) px of margins) // 11 cells = 45 px; each column: its cells plus 46 px.
    assert fit_cells(5, 3, 3) == (45, [271, 181, 181])
    # A narrow chart still gets the browser's smallest plot width, and cells never grow past full size.
    assert fit_cells(1, 1) == (CELL_PIXELS, [150, 150])


def test_fit_cells_never_goes_below_the_smallest_cell():
    cell, _ = fit_cells(12, 7, 12)
    assert cell == MIN_CELL


def test_default_cell_shrinks_past_seven_cells_a_side():
    assert default_cell(7, 3) == CELL_PIXELS
    assert default_cell(12, 12) == 30


def test_three_decimal_kernel_values_fit_their_cells():
    kernel = np.array([[-0.21, -0.089, -0.018], [-0.211, -0.17, 0.047], [0.184, 0.284, 0.129]])
    # "−0.089" is 5½ digits wide (a point is half a digit): at the smallest font, 10 px × 0.6 × 5.5 + 6 = 39 px.
    assert needed_cell(kernel) == 39
    assert needed_cell(np.array([[1.0, 20.0]])) == 18  # two digits need little
    for cell in (39, 44, 52):
        size = label_font_size(["−0.089"], cell)
        assert 5.5 * size * 0.6 <= cell - 6  # the widest label fits inside its cell
    assert label_font_size(["−0.089"], 52) == 13 and label_font_size(["3"], 52) == 15
    # A 12 × 12 grid alone would get 30 px cells; with three-decimal numbers in it, it gets 39 px ones.
    assert default_cell(12, 12) == 30
    figure = number_grid_figure(np.full((12, 12), -0.089)).to_dict()
    assert figure["layout"]["height"] == 12 * 39 + 30


def test_fit_cells_never_goes_below_the_cell_the_numbers_need():
    cell, widths = fit_cells(12, 7, 12, min_cell=46)  # far too many columns for the budget
    assert cell == 46 and widths[0] == 12 * 46 + 46
    assert fit_cells(3, 3)[0] == 52  # few columns: the usual largest cell
