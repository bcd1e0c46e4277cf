import pytest

from core.lesson.steps import STEP_COUNT, STEPS, step_from_query, step_info, step_query
from tests.conftest import PROJECT_ROOT


def test_ten_steps_each_pointing_at_a_page_that_exists():
    assert STEP_COUNT == 10 and [info.number for info in STEPS] == list(range(1, 11))
    for info in STEPS:
        assert (PROJECT_ROOT / info.try_page).is_file(), info.try_page


@pytest.mark.parametrize(("value", "step"), [(None, 1), ("3", 3), (" 7 ", 7), ("0", 1), ("-2", 1), ("11", 10),
                                             ("99", 10), ("three", 1), ("2.5", 1), ("", 1)])
def test_a_url_step_is_read_leniently(value, step):
    assert step_from_query(value) == step


def test_a_step_url_has_the_step_and_model_and_no_presentation_mode():
    assert step_query(4, "classic") == {"step": "4", "model": "classic"}
    with pytest.raises(ValueError, match="steps 1 to 10"):
        step_info(11)
