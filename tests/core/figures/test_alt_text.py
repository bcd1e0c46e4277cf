"""Text alternatives worked out from a chart's numbers (issue #24): each expected sentence below is worked out by
hand from the figure's numbers, not read back from the code."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.figures.alt_text import describe, figure_dict, grid_table, nudge_alt, photo_answer_alt


def axes(x: str, y: str) -> dict:
    return {"xaxis": {"title": {"text": x}}, "yaxis": {"title": {"text": y}}}


def test_a_short_bar_chart_names_every_bar_with_its_value():
    figure = {"data": [{"type": "bar", "x": ["cat", "dog"], "y": [0.25, 0.75]}],
              "layout": {"title": {"text": "The answer"}, **axes("class", "probability")}}
    assert describe(figure) == "Bar chart: The answer (probability against class). Cat 0.25, dog 0.75."


def test_a_horizontal_bar_reads_its_labels_from_y():
    figure = {"data": [{"type": "bar", "orientation": "h", "y": ["conv1", "dense"], "x": [896, 3211776]}],
              "layout": {}}
    assert describe(figure, "Parameters") == "Bar chart: Parameters. Conv1 896, dense 3211776."


def test_a_long_bar_chart_gives_its_count_and_range():
    # Nine bars, one more than are named: 9 bars from −4 to 4.
    figure = {"data": [{"type": "bar", "name": "weights", "x": list(range(9)), "y": [-4, -3, -2, -1, 0, 1, 2, 3, 4]}]}
    assert describe(figure) == "Bar chart. Weights: 9 bars from −4 to 4."


def test_a_line_gives_its_first_last_and_highest_point():
    # Accuracy 0.5 at epoch 1, 0.9 at 2, 0.7 at 3: the peak (0.9) is above both ends, so it is named.
    figure = {"data": [{"type": "scatter", "mode": "lines+markers", "name": "accuracy", "x": [1, 2, 3],
                        "y": [0.5, 0.9, 0.7]}],
              "layout": {"title": {"text": "Learning curves"}, **axes("epoch", "share right")}}
    assert describe(figure) == ("Line chart: Learning curves (share right against epoch). "
                                "Accuracy: from 0.5 at 1 to 0.7 at 3, highest 0.9 at 2.")


def test_a_rising_line_has_no_separate_peak_and_gaps_are_skipped():
    # The first point is missing: the line starts at epoch 2 (0.2) and ends at its highest, epoch 3 (0.4).
    figure = {"data": [{"type": "scatter", "mode": "lines", "name": "loss", "x": [1, 2, 3], "y": [None, 0.2, 0.4]}]}
    assert describe(figure) == "Line chart. Loss: from 0.2 at 2 to 0.4 at 3."


def test_two_lines_are_joined_and_numbers_round_to_two_decimals():
    figure = {"data": [{"type": "scatter", "mode": "lines", "name": "train", "x": [1, 2], "y": [0.123, 0.456]},
                       {"type": "scatter", "mode": "lines", "name": "held out", "x": [1, 2], "y": [0.5, 0.25]}]}
    assert describe(figure) == "Line chart. Train: from 0.12 at 1 to 0.46 at 2; held out: from 0.5 at 1 to 0.25 at 2."


def test_a_number_grid_gives_its_size_range_and_mean_and_where_its_box_is():
    # Cells 1, −2, 3, 4: from −2 to 4, mean (1 − 2 + 3 + 4) / 4 = 1.5. The box spans y 0.5..1.5 (the second row)
    # and x −0.5..0.5 (the first column).
    figure = {"data": [{"type": "heatmap", "z": [[1, -2], [3, 4]]}],
              "layout": {"title": {"text": "Kernel"}, "xaxis": {"ticktext": ["1", "2"]},
                         "yaxis": {"ticktext": ["1", "2"]},
                         "shapes": [{"type": "rect", "x0": -0.5, "x1": 0.5, "y0": 0.5, "y1": 1.5}]}}
    assert describe(figure) == ("Number grid: Kernel. A 2×2 grid of numbers from −2 to 4, mean 1.5. "
                                "A box marks row 2, column 1.")


def test_a_box_over_several_cells_names_the_grid_s_own_row_numbers():
    # A crop whose rows are numbered 11–13: the box over all three rows (y −0.5..2.5) and columns 2–3 (x 0.5..2.5).
    figure = {"data": [{"type": "heatmap", "z": [[0, 0, 0]] * 3}],
              "layout": {"xaxis": {"ticktext": ["1", "2", "3"]}, "yaxis": {"ticktext": ["11", "12", "13"]},
                         "shapes": [{"x0": 0.5, "x1": 2.5, "y0": -0.5, "y1": 2.5}]}}
    assert describe(figure).endswith("A box marks rows 11–13, columns 2–3.")


def test_a_photo_with_a_heat_map_is_a_picture():
    # Heat 0, 1, 1, 0: from 0 to 1, mean 0.5.
    figure = {"data": [{"type": "image"}, {"type": "heatmap", "z": [[0, 1], [1, 0]]}],
              "layout": {"title": {"text": "Grad-CAM<br>where it looked"}}}
    assert describe(figure) == ("Picture: Grad-CAM where it looked. The photo with a heat map over it; "
                                "a 2×2 grid of numbers from 0 to 1, mean 0.5.")


def test_a_plotly_figure_is_read_like_its_dict_and_hidden_traces_are_left_out():
    figure = go.Figure([go.Bar(x=["a", "b"], y=[1, 2]), go.Bar(x=["c"], y=[3], visible=False)])
    figure.update_layout(title="Two bars")
    assert describe(figure) == "Bar chart: Two bars. A 1, b 2."
    assert figure_dict(figure)["data"][0]["type"] == "bar"


def test_something_that_is_not_a_figure_is_refused():
    with pytest.raises(ValueError, match="Cannot describe a int"):
        describe(3)


def test_a_grid_table_gives_the_cells_as_the_grid_writes_them():
    figure = {"data": [{"type": "heatmap", "z": [[1.0, -0.5], [2.25, 0.0]]},
                       {"type": "scatter", "text": ["1", "−0.5", "2.25", "0"]}],
              "layout": {"xaxis": {"ticktext": ["c1", "c2"]}, "yaxis": {"ticktext": ["r1", "r2"]}}}
    table = grid_table(figure)
    assert table.rows == ("r1", "r2") and table.columns == ("c1", "c2")
    assert table.cells == (("1", "−0.5"), ("2.25", "0"))


def test_a_grid_table_without_labels_numbers_rows_and_columns_from_one():
    table = grid_table({"data": [{"type": "heatmap", "z": [[-1, 2, 3]]}]})
    assert table.rows == ("1",) and table.columns == ("1", "2", "3")
    assert table.cells == (("−1", "2", "3"),)
    with pytest.raises(ValueError, match="no grid"):
        grid_table({"data": [{"type": "bar", "x": [1], "y": [1]}]})


def test_a_photo_s_alt_gives_its_size_as_width_by_height_and_the_answer():
    # An array of 150 rows and 200 columns is 200 pixels wide and 150 high.
    assert photo_answer_alt("Your photo, unchanged", (150, 200, 3), "cat (97%)") == (
        "Your photo, unchanged, 200×150 pixels as the model receives it: the model says cat (97%).")


def test_the_nudge_s_alt_counts_the_numbers_raised_lowered_and_left():
    # Six numbers: +1 and +3 raised (2), −2 lowered (1), three zeros left; the largest move is 3 levels.
    change = np.array([[1, -2, 0], [0, 0, 3]], dtype=np.int8)
    assert nudge_alt(change, 40.0) == (
        "The nudge, magnified ×40, as a grey picture: of the photo's 6 numbers, 2 were raised (brighter) and 1 "
        "lowered (darker), each by at most 3 of 255 levels; 3 did not move.")


def test_the_nudge_s_alt_uses_thousands_separators_and_says_when_nothing_moved():
    # 2,000 numbers, 1,500 of them lowered by 8 and the rest left.
    change = np.zeros(2000, dtype=np.int8)
    change[:1500] = -8
    assert nudge_alt(change, 16.0) == (
        "The nudge, magnified ×16, as a grey picture: of the photo's 2,000 numbers, 0 were raised (brighter) and "
        "1,500 lowered (darker), each by at most 8 of 255 levels; 500 did not move.")
    assert nudge_alt(np.zeros((2, 2, 3), dtype=np.int8), 1.0) == (
        "The nudge: plain grey, since no number of the photo moved.")
