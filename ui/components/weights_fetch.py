"""The first start on a machine with internet: fetch the transfer model's MobileNet weights, once per process.

Without them the app still works, on the best from-scratch model, and says why
once per session. The fetch runs in the first session that needs it, with a
progress bar; other sessions arriving meanwhile wait on the lock, then find the
file (or the reason it failed) instead of fetching again.
"""

from __future__ import annotations

import threading

import streamlit as st

from core.models import weights
from ui import resources

_LOCK = threading.Lock()
_FAILURE: list[str] = []  # the one reason the fetch failed in this process (then it is not tried again)
_TOLD_KEY = "weights_fetch_told"


def fetch_weights_once() -> None:
    """Fetch the weights if no copy is on this machine; on failure, say once per session what the app uses."""
    if not weights.needs_fetch():
        return
    with _LOCK:
        if weights.needs_fetch() and not _FAILURE:
            bar = st.progress(0.0, text="First start: fetching the MobileNet weights (2 MB) for the default model…")

            def show(done: int, total: int | None) -> None:
                if total:
                    bar.progress(min(1.0, done / total), text=f"Fetching the MobileNet weights: "
                                                             f"{done / 1e6:.1f} of {total / 1e6:.1f} MB")

            try:
                weights.fetch_weights(progress=show)
            except weights.WeightsFetchError as error:
                _FAILURE.append(str(error))
            bar.empty()
            resources.cached_model_list.clear()  # the transfer model's availability just changed
    if _FAILURE and not st.session_state.get(_TOLD_KEY):
        st.session_state[_TOLD_KEY] = True
        st.info(f"The default transfer model needs MobileNet's ImageNet weights, and this server could not fetch "
                f"them ({_FAILURE[0]}), so the app uses the best model trained from scratch. With internet, "
                "restart the app, or run `python -m core.models.registry download-weights`.")
