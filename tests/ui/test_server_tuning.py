"""What the app switches off in Streamlit for a class: Keras cleared after each run, config files polled 5 times a
second."""

from __future__ import annotations

import time

from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest
from streamlit.watcher import polling_path_watcher

from tests.conftest import PROJECT_ROOT
from ui import server_tuning


def test_the_app_keeps_keras_state_between_runs_so_the_next_answer_costs_no_more(monkeypatch):
    """Streamlit cleared Keras after every run: a full garbage collection and TensorFlow's kernel cache emptied."""
    import keras

    clears = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: clears.append(args))
    # Whatever the app replaces is put back after the test, for the other tests in this process.
    monkeypatch.setattr(script_runner, "_clean_problem_modules", script_runner._clean_problem_modules)
    monkeypatch.setattr(polling_path_watcher.PollingPathWatcher, "_schedule",
                        polling_path_watcher.PollingPathWatcher._schedule)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.run()
    app.run()  # a rerun, as a click makes
    assert not app.exception
    assert "Does this CNN see a cat or a dog?" in app.title[0].value
    assert clears == []


def test_no_config_file_is_polled_five_times_a_second_any_more(monkeypatch, tmp_path):
    monkeypatch.setattr(polling_path_watcher.PollingPathWatcher, "_schedule",
                        polling_path_watcher.PollingPathWatcher._schedule)
    server_tuning.stop_polling_config_files()
    looks = []
    modification_time = polling_path_watcher.util.path_modification_time
    monkeypatch.setattr(polling_path_watcher.util, "path_modification_time",
                        lambda *args, **kwargs: looks.append(args) or modification_time(*args, **kwargs))
    config = tmp_path / "config.toml"
    config.write_text("[server]\n")
    watcher = polling_path_watcher.PollingPathWatcher(str(config), lambda path: None, allow_nonexistent=True)
    try:
        time.sleep(1.0)  # Streamlit's own watcher would have looked five more times by now
        assert len(looks) == 1, looks  # only the look when the watch starts
    finally:
        watcher.close()
