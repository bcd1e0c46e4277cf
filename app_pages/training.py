"""Training: the shipped models' learning curves, their evaluation, and a CNN trained live."""

from __future__ import annotations

import streamlit as st

from core.models import registry
from ui import resources
from ui.session import MODEL_KEY
from ui.training.calibration import show_calibration
from ui.training.comparison import show_comparison
from ui.training.curves import show_histories
from ui.training.evaluation import show_evaluation
from ui.training.live import show_live_training

st.title("📈 Training: watch a network learn")
st.write(
    "A network learns by looking at the training photos again and again (each pass is an **epoch**) and "
    "nudging its weights to lower the **loss**. The **validation** photos are never used to change the "
    "weights: they show whether what it learned works on photos it has not seen. They do choose which epoch's "
    "weights are kept (the lowest validation loss), so validation accuracy is slightly optimistic; the **test** "
    "photos, used for nothing during training, give the fair number."
)

# The model chosen on another page (the lesson's, for its "Try it" link) comes first in every tab.
infos = registry.chosen_first(resources.cached_model_list(), st.session_state.get(MODEL_KEY))
learning_curves, compare_models, evaluate, calibrate, train_live = st.tabs(
    ["Learning curves", "Compare models", "Evaluate", "Calibration", "Train live"])
with learning_curves:
    if infos:
        show_histories(infos)
    else:
        st.info("No shipped models found: train one with `python -m core.training.train --arch classic` "
                "(or all of them with `bash scripts/train_all.sh`). Meanwhile, train a small one live in "
                "the last tab.")
with compare_models:
    if infos:
        show_comparison(infos)
    else:
        st.info("No shipped models to compare yet.")
with evaluate:
    if infos:
        show_evaluation(infos)
    else:
        st.info("No shipped models to evaluate yet.")
with calibrate:
    if infos:
        show_calibration(infos)
    else:
        st.info("No shipped models to calibrate yet.")
with train_live:
    show_live_training()
