import numpy as np
import pytest

from ui.lesson.grids import grid_html
from ui.lesson.presentation import PRESENTING_CSS


def test_grid_cells_are_tinted_by_sign_and_the_window_outlined():
    html = grid_html(np.array([[-1.5, 0.0], [2.25, 0.00001]]), "map", decimals=2, hot=[(1, 0)])
    assert '<td class="neg">−1.5</td>' in html
    assert html.count('class="zero"') == 2  # 0 and a value that rounds to 0
    assert '<td class="pos hot">2.25</td>' in html
    assert "<caption>map</caption>" in html


def test_unsigned_grids_have_no_tint_and_a_matrix_is_required():
    assert "neg" not in grid_html(np.array([[190, 0]]), "red", decimals=0, signed=False)
    with pytest.raises(ValueError, match="2-D"):
        grid_html(np.zeros((2, 2, 3)), "x")


def test_presentation_sizes_only_touch_the_lesson():
    rules = [line for line in PRESENTING_CSS.splitlines() if "font-size" in line]
    assert rules and all(".st-key-lesson_" in line or line.strip().startswith("font-size") for line in rules)
