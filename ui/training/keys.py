"""Session-state keys of the live training (tests and other views read them by these names)."""

#: The running :class:`core.training.live_run.LiveRun`, until the page collects its result.
RUN_KEY = "training_live_run"
#: The finished :class:`core.training.live_run.LiveResult`.
RESULT_KEY = "training_live_result"
#: Why the last training failed.
ERROR_KEY = "training_live_error"
#: (result, .keras bytes): the download, made once per result.
BYTES_KEY = "training_live_keras_bytes"
#: This browser session's name in the one training slot.
SESSION_KEY = "training_session_id"
