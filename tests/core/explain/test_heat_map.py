"""core/explain/heat_map.py: where a heat map's heat sits, in words, from hand-made maps."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain.heat_map import chosen_class, class_label, heat_place, hot_share, where_sentence


def test_heat_place_and_share_from_hand_made_maps():
    corner = np.zeros((9, 9))
    corner[0, 8] = 1.0
    assert heat_place(corner) == "top right"
    assert heat_place(np.ones((9, 9))) == "middle"
    assert heat_place(np.zeros((9, 9))) == "nowhere"
    assert hot_share(corner) == pytest.approx(1 / 81)
    assert hot_share(np.ones((10, 10))) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="2-D"):
        heat_place(np.ones((2, 2, 3)))


def test_the_sentence_names_the_place_and_the_share():
    left = np.zeros((10, 10))
    left[4:6, 0:2] = 1.0  # 4 of 100 cells, all in the middle of the left edge
    assert where_sentence("Occlusion", "dog", left) == (
        "Occlusion for dog: the heat sits at the left of the photo; half of it lies on 2% of the area.")
    assert "the map is empty" in where_sentence("Grad-CAM", "cat", np.zeros((3, 3)))


def test_the_class_is_the_predicted_one_unless_asked():
    assert chosen_class(np.array([0.3, 0.7]), None) == (1, 1)
    assert chosen_class(np.array([0.3, 0.7]), 0) == (1, 0)
    with pytest.raises(ValueError, match="does not exist"):
        chosen_class(np.array([0.3, 0.7]), 2)
    assert class_label(("cats", "dogs"), 0) == "cat" and class_label(None, 1) == "class 2"
