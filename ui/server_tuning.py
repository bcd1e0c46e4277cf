"""Two things Streamlit does on every run that a classroom server does not need, switched off once per process.

Both reach into Streamlit's internals (1.67), so each is a small, named
replacement with its reason and its measurement; ``tests/ui/test_server_tuning.py``
fails if a Streamlit upgrade moves them.
"""

from __future__ import annotations


def tune_streamlit_for_a_class() -> None:
    """Keep Keras' state between runs and stop polling the config files (idempotent)."""
    keep_keras_state_between_runs()
    stop_polling_config_files()


def keep_keras_state_between_runs() -> None:
    """Stop Streamlit from clearing Keras' global state after every script run of every session.

    Streamlit 1.67 calls ``keras.backend.clear_session()`` once a run ends
    (``script_runner._clean_problem_modules``, for apps that build a model per
    run). Here models are loaded once per process and shared, so there is
    nothing to clear, and the call cost the server about 0.2 s of CPU a rerun:
    a full garbage collection, and TensorFlow's kernel cache emptied, which made
    the next answer and Grad-CAM take twice their CPU (measured: 0.14 s -> 0.30 s).
    The other modules it cleans (matplotlib's figures) are not used here.
    """
    from streamlit.runtime.scriptrunner import script_runner

    script_runner._clean_problem_modules = _keep_everything


def _keep_everything() -> None:
    """Nothing to clean between runs: the shared models stay as they are."""


def stop_polling_config_files() -> None:
    """Stop the watchers that look at each ``config.toml`` five times a second.

    Streamlit's start-up installs a polling watcher on every config file it
    might read, even with ``fileWatcherType = "none"``: its threads woke five
    times a second in each process (1.3% of the server's samples with thirty
    students). A watcher re-arms itself after each look; here it no longer
    does, so each ends after the look in progress. A changed config.toml is
    read at the next start, as for any server setting.
    """
    from streamlit.watcher import polling_path_watcher

    polling_path_watcher.PollingPathWatcher._schedule = _look_no_more


def _look_no_more(watcher) -> None:
    """A polling watcher's next look, not scheduled."""
