"""Learning curves: each shipped model's accuracy and loss per epoch, with what they say."""

from __future__ import annotations

import streamlit as st

from core.figures import training as figures
from core.models import registry
from core.training import readings, report
from core.training.history import TrainingHistory, early_stopping_point
from ui.components.charts import show_chart
from ui.resources import training as training_resources


def show_reading(reading: readings.Reading) -> None:
    """A reading as a warning when it points at a problem, else as a tip."""
    if reading.is_warning:
        st.warning(reading.sentence, icon=":material/warning:")
    else:
        st.info(reading.sentence, icon=":material/lightbulb:")


def show_model_curves(info: registry.ModelInfo, history: TrainingHistory) -> None:
    """Accuracy and loss side by side, each with its reading underneath."""
    stop = early_stopping_point(history, info.card)
    # The shipped weights are the restored epoch's: the readings describe that epoch.
    kept = stop.restored_epoch if stop is not None else None
    left, right = st.columns(2)
    with left:
        show_chart(figures.history_figure(history, "accuracy", early_stop=stop), key=f"acc_{info.name}")
        show_reading(readings.accuracy_reading(history, len(info.class_names), kept))
    with right:
        show_chart(figures.history_figure(history, "loss", early_stop=stop), key=f"loss_{info.name}")
        show_reading(readings.loss_reading(history, kept))
    sentence = readings.kept_epoch_sentence(history, stop, info.test_accuracy)
    if sentence:
        st.caption(sentence)


def show_histories(infos: list[registry.ModelInfo]) -> None:
    st.write(
        "Solid blue: training photos. Dashed orange: validation photos. The shaded band is the gap between "
        "them; the ★ marks the epoch with the lowest validation loss, whose weights were kept."
    )
    for info in infos:
        history = training_resources.model_history(info)
        st.subheader(info.title)
        st.caption(report.describe_card(info.card))
        if history is None:
            st.caption("No history.json in this model's folder.")
        elif isinstance(history, str):
            st.error(f"The history of {info.name} cannot be read: {history}")
        else:
            show_model_curves(info, history)
