import pytest

from core.lesson.steps import (
    STEP_COUNT,
    STEPS,
    only_this_computer,
    reach_the_server_hint,
    step_from_query,
    step_info,
    step_query,
)
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


@pytest.mark.parametrize("url", ["http://localhost:8501/lesson?step=2", "http://127.0.0.1:8501/lesson",
                                 "http://127.4.5.6/lesson", "http://[::1]:8080/lesson", "http://0.0.0.0:8501/lesson",
                                 "http://app.localhost:8501/lesson"])
def test_addresses_a_phone_cannot_open_are_recognised(url):
    assert only_this_computer(url)


@pytest.mark.parametrize("url", ["http://192.168.1.20:8501/lesson", "http://classroom.test:8080/lesson",
                                 "https://cnn.school.example/lesson", "http://10.0.0.5/lesson"])
def test_addresses_on_the_rooms_network_get_a_qr_code(url):
    assert not only_this_computer(url)


def test_the_hint_names_both_ways_to_serve_the_room_on_the_same_port():
    hint = reach_the_server_hint("http://localhost:8600/lesson?step=3")
    assert "`streamlit run app.py --server.address 0.0.0.0 --server.port 8600`" in hint
    assert "`python -m deploy.serve --address 0.0.0.0 --port 8600`" in hint
    assert "http://<this computer's network address>:8600/lesson" in hint
