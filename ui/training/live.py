"""Train live: photos, settings, Start; the progress while it runs; the result once it is done.

The training runs in a background thread (:class:`core.training.live.trainer.LiveRun`),
one at a time for the whole server. The session keeps the run while it is
going and its result afterwards (keys in :mod:`ui.training.keys`).
"""

from __future__ import annotations

import gc
import uuid

import streamlit as st

from core.data.image_set import ImageSet
from core.training import concepts
from core.training.live import networks, trainer
from core.training.live.photo_sources import default_mode
from ui.resources import training as training_resources
from ui.training.keys import (
    BYTES_KEY,
    ERROR_KEY,
    RESULT_KEY,
    RESULT_SOURCE_KEY,
    RUN_KEY,
    SESSION_KEY,
    STOPPED_KEY,
)
from ui.training.live_photos import PhotoChoice, choose_source, show_photos
from ui.training.live_progress import busy_message, show_progress
from ui.training.live_result import show_result
from ui.training.live_settings import show_settings


def collect_finished_run() -> None:
    """Move a finished run's result into the session and let the run go."""
    run: trainer.LiveRun | None = st.session_state.get(RUN_KEY)
    if run is None or not run.done:
        return
    del st.session_state[RUN_KEY]
    if run.result is not None:
        st.session_state[RESULT_KEY] = run.result
        st.session_state.pop(ERROR_KEY, None)
    elif run.stopped_before_training:
        st.session_state[STOPPED_KEY] = run.stopped_before_training
    else:
        st.session_state[ERROR_KEY] = run.error or "the training ended without a result"


def start_training(config: networks.LiveConfig, data: ImageSet, source: str) -> trainer.LiveRun | None:
    """Start a run in the server's one slot; None (with the reason shown) when it cannot start."""
    session_id = st.session_state.setdefault(SESSION_KEY, uuid.uuid4().hex[:8])
    slot = training_resources.cached_training_slot()
    try:
        base = training_resources.cached_frozen_base(config.image_size) if config.is_transfer else None
        run = slot.start(config, data, owner=session_id, base=base)
    except ValueError as error:
        st.error(str(error))
        return None
    if run is None:
        busy_message(slot)  # the previous result stays
        return None
    st.session_state[RUN_KEY] = run
    st.session_state[RESULT_SOURCE_KEY] = source
    # Let go of the previous model while the new one trains.
    for key in (RESULT_KEY, BYTES_KEY, ERROR_KEY, STOPPED_KEY):
        st.session_state.pop(key, None)
    gc.collect()
    return run


def show_start(config: networks.LiveConfig, source: str, choice: PhotoChoice | None,
               run: trainer.LiveRun | None) -> trainer.LiveRun | None:
    """Step 3: the Start button; the run going on after it (if any)."""
    st.subheader("3. Train")
    running = run is not None
    ready = choice is not None
    if st.button("Start training", icon=":material/play_arrow:", type="primary", disabled=running or not ready,
                 key="training_start"):
        with st.spinner("Preparing the photos…"):
            data = choice.load()
        run = start_training(config, data, source)
    elif not running:
        slot = training_resources.cached_training_slot()
        if slot.current is not None:
            busy_message(slot)
    if not ready and not running:
        st.caption("Add photos above to start.")
    return run


def show_concepts() -> None:
    """What happens inside one training step, where the learner is about to start one."""
    with st.expander("How a network learns: loss, gradient descent, Adam, early stopping",
                     icon=":material/school:"):
        st.markdown(concepts.cross_entropy_sentence())
        for paragraph in concepts.CONCEPTS:
            st.markdown(paragraph)


def show_live_training() -> None:
    st.write(
        "Train a network here and watch the curves move. The photos are split: most train the network, "
        "the rest are held out to check it. Two ways to learn are offered: from scratch, or on top of a network "
        "that already learned to see on ImageNet."
    )
    show_concepts()
    collect_finished_run()
    run: trainer.LiveRun | None = st.session_state.get(RUN_KEY)
    # Shown in this order, filled in another: the mode's default depends on the source, and decoding
    # the photos needs the chosen image size.
    photos_box = st.container()
    settings_box = st.container()
    with photos_box:
        source = choose_source()
    with settings_box:
        config = show_settings(default_mode(source))
    with photos_box:
        choice = show_photos(source, config)
    run = show_start(config, source, choice, run)
    if run is not None:
        show_progress(run)
    if st.session_state.get(ERROR_KEY):
        st.error(f"The training failed: {st.session_state[ERROR_KEY]}")
    if st.session_state.get(STOPPED_KEY) and run is None:
        st.info(st.session_state[STOPPED_KEY], icon=":material/stop_circle:")
    result = st.session_state.get(RESULT_KEY)
    if result is not None and run is None:
        show_result_of(result, st.session_state.get(RESULT_SOURCE_KEY, source), source)


def show_result_of(result: trainer.LiveResult, trained_on: str, source: str) -> None:
    """The result under the form of the photos it was trained on; under another form, where it went."""
    if trained_on == source:
        show_result(result)
    else:
        st.caption(f"Your last network was trained on {trained_on}: choose “{trained_on}” above to see it "
                   "again. Start trains a new one on these photos.")
