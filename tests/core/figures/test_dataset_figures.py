"""The Dataset page's figures carry the numbers they draw."""

from __future__ import annotations

import numpy as np

from core.figures import dataset


def test_dataset_figures_show_the_numbers():
    counts = {"train": {"cats": 40, "dogs": 24}, "test": {"cats": 5, "dogs": 3}}
    balance = dataset.class_balance_figure(counts)
    assert [trace.name for trace in balance.data] == ["cats", "dogs"]
    assert list(balance.data[0].y) == [40, 5]
    share = dataset.split_share_figure(counts)
    assert share.data[0].name == "train: 64" and share.data[0].text[0] == "89%"
    sizes = dataset.image_size_figure(np.array([10, 20, 30]), np.array([5, 6, 7]), np.array([0, 1, 1]),
                                           ["cats", "dogs"])
    assert list(sizes.data[1].x) == [20, 30] and sizes.data[0].marker.symbol != sizes.data[1].marker.symbol
    stats = dataset.channel_stats_figure((120.0, 110.0, 100.0), (60.0, 55.0, 50.0))
    assert list(stats.data[0].error_y.array) == [60.0, 55.0, 50.0]
