"""The step controls the lab's two steppers share (ui.components.stepper), in a small script of their own."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from ui.components.stepper import Stepper

    stepper = Stepper("demo", query_key="dstep", prefix="t")
    if "fake_click" in st.session_state:
        stepper.select_clicked_cell("fake_click", columns=3, cells=5)
        del st.session_state["fake_click"]
    interval = stepper.play_controls(5)
    number, finished = stepper.current_step(5)
    st.markdown(f"step {number}, interval {interval}, finished {finished}")


def _app() -> AppTest:
    app = AppTest.from_function(_script, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def _line(app: AppTest) -> str:
    return app.markdown[-1].value


def test_buttons_move_one_step_and_the_url_follows():
    app = _app()
    assert _line(app) == "step 1, interval None, finished False"
    assert app.button(key="t_demo_previous").disabled and not app.button(key="t_demo_next").disabled
    app.button(key="t_demo_next").click().run()
    app.button(key="t_demo_next").click().run()
    assert _line(app).startswith("step 3,")
    assert app.query_params["dstep"] == "3"
    app.button(key="t_demo_previous").click().run()
    assert app.session_state["t_demo_step"] == 2
    app.slider(key="t_demo_step").set_value(5).run()
    assert app.button(key="t_demo_next").disabled
    app.button(key="t_demo_first").click().run()
    assert app.session_state["t_demo_step"] == 1


def test_play_shows_the_current_step_first_then_one_step_per_tick_and_stops_at_the_end():
    app = _app()
    app.slider(key="t_demo_step").set_value(4).run()
    app.button(key="t_demo_play").click().run()
    assert app.session_state["t_playing"] == "demo"
    assert _line(app) == "step 4, interval 0.8, finished False"
    assert app.button(key="t_demo_next").disabled and app.button(key="t_demo_play").label == "■ Pause"
    app.run()  # a timer tick
    assert _line(app) == "step 5, interval 0.8, finished True"
    assert app.session_state["t_playing"] is None


def test_play_at_the_last_step_starts_again_from_the_first():
    app = _app()
    app.slider(key="t_demo_step").set_value(5).run()
    app.segmented_control(key="t_speed").set_value("fast").run()
    app.button(key="t_demo_play").click().run()
    assert _line(app) == "step 1, interval 0.4, finished False"


def test_a_click_jumps_to_the_cell_under_it_and_ignores_the_hover_numbers():
    app = _app()
    # customdata holds the 1-based position for the hover text; the axis position (x: column, y: row) counts.
    app.session_state["fake_click"] = {"selection": {"points": [{"x": 1, "y": 1, "customdata": [2, 2]}]}}
    app.run()
    assert app.session_state["t_demo_step"] == 5  # row 2, column 2 of a 3-wide grid
    app.session_state["fake_click"] = {"selection": {"points": [{"x": 2, "y": 1}]}}  # cell 6 of 5: ignored
    app.run()
    assert app.session_state["t_demo_step"] == 5
    app.session_state["fake_click"] = {"selection": {"points": []}}
    app.run()
    assert app.session_state["t_demo_step"] == 5
