"""The live training while it runs: a progress bar, three numbers, Stop, and the curves so far."""

from __future__ import annotations

import streamlit as st

from core.figures import training as figures
from core.training.live import trainer
from ui.components.charts import show_chart


def busy_message(slot: trainer.TrainingSlot) -> None:
    st.warning(slot.busy_sentence(), icon=":material/hourglass_top:")


def progress_panel(run: trainer.LiveRun) -> None:
    """Redrawn every second while the training runs (a fragment)."""
    if run.done:
        st.rerun()  # the full page collects the result
    snapshot = run.snapshot()
    stopping = run.stop_event.is_set()
    st.progress(snapshot.fraction, text=snapshot.label(stopping))
    first, second, third = st.columns(3)
    first.metric("Epochs done", snapshot.epochs_text)
    second.metric("Elapsed", snapshot.elapsed_text)
    third.metric("Remaining (estimate)", snapshot.remaining_text)
    st.button("Stop training", icon=":material/stop:", on_click=run.stop, disabled=stopping, key="training_stop",
              help="Stops within one batch, about a second, and keeps what the network has learned so far.")
    # No toolbar: it would sit on the subplot titles of the two-panel chart.
    show_chart(figures.live_figure(snapshot.history, snapshot.total_epochs), key="live_progress_chart")


def show_progress(run: trainer.LiveRun) -> None:
    st.fragment(progress_panel, run_every=1.0)(run)
