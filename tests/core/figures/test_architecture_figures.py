"""The Architecture page's figures: the shape flow, parameters per layer, valid vs same padding."""

from __future__ import annotations

import pytest

from core.arithmetic import shape_chain
from core.figures import architecture
from core.models import architectures, summary


@pytest.fixture(scope="module")
def classic_table() -> summary.ModelTable:
    return summary.layer_table(architectures.classic())


def test_shape_flow_figure_of_classic(classic_table):
    steps = summary.shape_flow(classic_table)
    figure = architecture.shape_flow_figure(steps)
    # Three faces per block, and the shape written under or over each one.
    assert len(figure.data) == 3 * len(steps)
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert any("7×7×128" in text for text in texts) and any("6,272" in text for text in texts)
    with pytest.raises(ValueError):
        architecture.shape_flow_figure([])


def test_parameter_and_padding_figures(classic_table):
    figure = architecture.parameter_figure(classic_table)
    assert list(figure.data[0].y) == ["conv1", "conv2", "conv3", "conv4", "dense", "output"]
    assert "3,211,776 (93.0%)" in figure.data[0].text
    padding = architecture.padding_figure(shape_chain.padding_comparison())
    assert list(padding.data[0].y)[-1] == 7 and list(padding.data[1].y)[-1] == 9

