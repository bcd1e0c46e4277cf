"""core/figures/calibration.py: the reliability diagram plots each filled bin where its numbers say."""

import numpy as np
import pytest

from core.figures.calibration import reliability_figure
from core.prediction.calibration import Reliability, ReliabilityBin


def bins(*filled):
    edges = np.linspace(0, 1, 11)
    table = {round(lower, 1): (count, said, right) for lower, count, said, right in filled}
    return Reliability(tuple(
        ReliabilityBin(float(low), float(high), *(table.get(round(float(low), 1), (0, float("nan"), float("nan")))))
        for low, high in zip(edges[:-1], edges[1:])), "test")


def test_before_and_after_are_drawn_against_the_honest_diagonal():
    before = bins((0.5, 10, 0.55, 0.4), (0.9, 90, 0.97, 0.9))
    after = bins((0.7, 20, 0.75, 0.7), (0.9, 80, 0.93, 0.93))
    figure = reliability_figure(before, after)
    diagonal, drawn_before, drawn_after = figure.data
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]
    assert list(drawn_before.x) == [0.55, 0.97] and list(drawn_before.y) == [0.4, 0.9]
    assert list(drawn_after.x) == [0.75, 0.93]
    # ECE by hand: 0.1 x 0.15 + 0.9 x 0.07 = 0.078; after: 0.2 x 0.05 + 0.8 x 0 = 0.01.
    assert "ECE 7.8 points" in drawn_before.name and "ECE 1.0 points" in drawn_after.name
    assert [row[2] for row in drawn_before.customdata] == [10, 90]
    assert figure.layout.xaxis.range == (0.5, 1.0)
    assert figure.layout.yaxis.range[0] == pytest.approx(0.35)  # the 40% bin stays on the plot


def test_an_empty_diagram_is_refused():
    with pytest.raises(ValueError, match="at least one photo"):
        reliability_figure(bins())
