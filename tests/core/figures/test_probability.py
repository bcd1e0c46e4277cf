"""core/figures/probability.py: one bar per class, its percentage written on it, the answer coloured."""

from __future__ import annotations

import pytest

from core.figures.probability import CHOSEN, OTHER, probability_figure


def test_two_classes_get_two_bars_in_class_order_with_their_percentages():
    figure = probability_figure(["cats", "dogs"], [0.027, 0.973], chosen=1)
    (bars,) = figure.data
    assert bars.type == "bar" and bars.orientation == "h"
    assert list(bars.y) == ["cat", "dog"]  # singular names, as the sentences say them
    assert list(bars.x) == [0.027, 0.973]
    assert list(bars.text) == ["2.7%", "97.3%"]
    assert list(bars.marker.color) == [OTHER, CHOSEN]
    assert tuple(figure.layout.xaxis.range) == (0, 1) and figure.layout.xaxis.tickformat == ".0%"
    assert figure.layout.yaxis.autorange == "reversed"  # the first class on top


def test_two_classes_mark_the_fifty_percent_line():
    figure = probability_figure(["cats", "dogs"], [0.5, 0.5])
    (line,) = figure.layout.shapes
    assert (line.x0, line.x1) == (0.5, 0.5) and line.line.dash == "dot"


def test_no_answer_colours_no_bar():
    figure = probability_figure(["cats", "dogs"], [0.49, 0.51])
    assert list(figure.data[0].marker.color) == [OTHER, OTHER]


def test_near_certain_answers_are_never_written_as_100_percent():
    figure = probability_figure(["cats", "dogs"], [0.0001, 0.9999], chosen=1)
    assert list(figure.data[0].text) == ["under 0.1%", "over 99.9%"]


def test_more_classes_have_no_middle_line_and_a_taller_chart():
    names = ["birds", "cats", "dogs", "fish"]
    figure = probability_figure(names, [0.1, 0.2, 0.3, 0.4], chosen=3)
    assert list(figure.data[0].y) == ["birds", "cat", "dog", "fish"]
    assert list(figure.data[0].marker.color) == [OTHER, OTHER, OTHER, CHOSEN]
    assert figure.layout.shapes == ()
    assert figure.layout.height == 60 + 40 * 4 > probability_figure(["cats", "dogs"], [0.5, 0.5]).layout.height


def test_numpy_probabilities_are_plain_floats_in_the_figure():
    np = pytest.importorskip("numpy")
    figure = probability_figure(("cats", "dogs"), np.array([0.25, 0.75], np.float32))
    assert [type(value) for value in figure.data[0].x] == [float, float]
    assert list(figure.data[0].text) == ["25.0%", "75.0%"]


def test_a_name_for_every_probability():
    with pytest.raises(ValueError, match="2 class names but 3 probabilities."):
        probability_figure(["cats", "dogs"], [0.2, 0.3, 0.5])


def test_the_axis_runs_to_one_hundred_percent_and_labels_stay_horizontal():
    figure = probability_figure(["cats", "dogs"], [0.2, 0.8], chosen=1)
    axis = figure.layout.xaxis
    assert tuple(axis.range) == (0, 1)
    assert list(axis.tickvals) == [0.0, 0.25, 0.5, 0.75, 1.0]  # 100% is labelled, not only 0-80%
    assert figure.layout.margin.r >= 30  # room for the "100%" label at the end of the axis
    assert figure.data[0].textangle == 0
