"""core/arithmetic/shape_chain.py on the classic model: 150 → 148 → 74 → … → 7×7×128."""

from __future__ import annotations

from core.arithmetic import shape_chain


def test_classic_model_shapes():
    stages = shape_chain.conv_pool_shapes(150)
    assert [stage.rows for stage in stages] == [150, 148, 74, 72, 36, 34, 17, 15, 7]
    assert [stage.layer for stage in stages][1:3] == ["conv1", "pool1"]
    last = stages[-1]
    assert (last.rows, last.cols, last.channels) == (7, 7, 128)
    assert stages[2].formula == "⌊(148 + 2×0 − 2) / 2⌋ + 1 = ⌊146 / 2⌋ + 1 = 74"
