"""Session-state keys of the live training (tests and other views read them by these names)."""

#: The running :class:`core.training.live.trainer.LiveRun`, until the page collects its result.
RUN_KEY = "training_live_run"
#: The finished :class:`core.training.live.trainer.LiveResult`.
RESULT_KEY = "training_live_result"
#: Why the last training failed.
ERROR_KEY = "training_live_error"
#: Why the last training has no result although it did not fail (stopped before it trained).
STOPPED_KEY = "training_live_stopped"
#: Where the photos of the finished result came from (a source of :mod:`core.training.live.photo_sources`).
RESULT_SOURCE_KEY = "training_live_result_source"
#: (result, .keras bytes): the download, made once per result.
BYTES_KEY = "training_live_keras_bytes"
#: This browser session's name in the one training slot.
SESSION_KEY = "training_session_id"
#: How many times "Remove all photos" was pressed: part of the uploaders' keys, so each press empties them.
UPLOAD_ROUND_KEY = "training_upload_round"
