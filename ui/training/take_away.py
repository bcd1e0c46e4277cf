"""Keep what live training made: downloads of the model and its history, or a copy in models/."""

from __future__ import annotations

import streamlit as st

from core.models import registry
from core.server_settings import ALLOW_SAVING_ENV, saving_allowed
from core.training.live import saving, trainer
from ui import resources
from ui.training.keys import BYTES_KEY


def keras_bytes(result: trainer.LiveResult) -> bytes:
    """The model file, written once per result (every rerun would write it again)."""
    stored = st.session_state.get(BYTES_KEY)
    if stored is None or stored[0] is not result:
        stored = (result, saving.model_to_keras_bytes(result.model))
        st.session_state[BYTES_KEY] = stored
    return stored[1]


def show_downloads(result: trainer.LiveResult) -> None:
    stem = result.file_stem
    first, second, third = st.columns(3)
    first.download_button("Model (.keras)", keras_bytes(result), f"{stem}.keras", "application/octet-stream",
                          on_click="ignore", key="training_download_model")
    second.download_button("History (JSON)", saving.history_to_json(result.history), f"{stem}-history.json",
                           "application/json", on_click="ignore", key="training_download_json")
    third.download_button("History (CSV)", saving.history_to_csv(result.history), f"{stem}-history.csv",
                          "text/csv", on_click="ignore", key="training_download_csv")
    st.caption(result.usage_note)


def show_save(result: trainer.LiveResult) -> None:
    if not saving_allowed():  # checked on the server on every run, and again on the click below
        st.caption(f"Saving on the server is switched off: download the model above. Whoever runs the app can "
                   f"allow it with `{ALLOW_SAVING_ENV}=1`.")
        return
    with st.expander("Keep it on this server for the other pages"):
        st.caption("This trained network lives only in your browser session. Saving writes it into the app's "
                   "models/ folder, where every page can use it. Shipped models are never replaced.")
        name = st.text_input("Name", result.file_stem, key="training_save_name", max_chars=60)
        if st.button("Save into models/", key="training_save"):
            try:
                if not saving_allowed():
                    raise ValueError("Saving on the server is switched off.")
                folder = saving.save_live_model(result, name.strip(), registry.MODELS_DIR)
            except (ValueError, OSError) as error:
                st.error(str(error))
            else:
                resources.cached_model_list.clear()  # the other pages list it at once
                st.success(f"Saved to models/{folder.name}.")


def show_take_away(result: trainer.LiveResult) -> None:
    st.markdown("#### Take it with you")
    show_downloads(result)
    show_save(result)
