"""Set the lesson up (model, photo, presentation mode) and draw the current step, computing only what it shows."""

from __future__ import annotations

import streamlit as st

from core.explain.gradcam import default_gradcam_layer
from core.imaging.demo import DEMO_PHOTOS
from core.imaging.photo import Photo
from core.lesson.deeper import chain_text, shape_changes
from core.models import registry
from ui import resources
from ui.classroom.teacher import follow_step
from ui.components.model_picker import model_picker
from ui.components.photo_picker import photo_expander
from ui.lesson import first_steps, last_steps, middle_steps, navigation, presentation
from ui.lesson.navigation import PRESENT_KEY, STEP_KEY, LessonSpec
from ui.resources import inside as inside_resources
from ui.resources import lesson as lesson_resources
from ui.resources.classify import cached_photo_answer
from ui.resources.training import model_history
from ui.session import MODEL_KEY, current_photo

#: The bundled demo photos that are neither a cat nor a dog (step 9).
NEITHER_PHOTOS = tuple(name for name in DEMO_PHOTOS if "neither" in name)

TOGGLE_KEY = "lesson_present_toggle"

#: The steps drawn from the first layer's numbers (8 follows its filter, 10 recaps its worked number).
FIRST_LAYER_STEPS = (1, 2, 3, 4, 8, 10)


def _sync_presenting() -> None:
    # The toggle is not drawn while presenting, so its own state would vanish; keep the mode in a plain key.
    st.session_state[PRESENT_KEY] = bool(st.session_state.get(TOGGLE_KEY))


def _presenting_model() -> registry.ModelInfo | None:
    """While presenting there is no picker: the session's model, else the default one."""
    infos = {info.name: info for info in resources.cached_model_list() if info.available}
    if not infos:
        st.error("No trained model is available. Train one with `python -m core.training.train --arch classic`.")
        return None
    name = st.session_state.get(MODEL_KEY)
    if name not in infos:
        name = registry.default_model_name(list(infos.values()))
        st.session_state[MODEL_KEY] = name
    return infos[name]


def start() -> bool:
    """Read the URL on a session's first visit and add the styles; True while presenting."""
    navigation.read_url_once([info.name for info in resources.cached_model_list() if info.available])
    presenting = bool(st.session_state.get(PRESENT_KEY))
    presentation.apply(presenting)
    return presenting


def setup(presenting: bool) -> tuple[LessonSpec, registry.ModelInfo, Photo] | None:
    """The model, the photo and presentation mode; None (with a message) when no model can run."""
    if presenting:
        info, photo = _presenting_model(), current_photo()
    else:
        picker, photo_column, toggle_column = st.columns([3, 3, 2], vertical_alignment="bottom")
        with picker:
            info = model_picker("Model", key="lesson_model")
        with photo_column:
            photo = photo_expander("lesson")
        with toggle_column:
            st.toggle("Presentation mode", value=False, key=TOGGLE_KEY, on_change=_sync_presenting,
                      help="Hides the sidebar and enlarges the step for a projector. Arrow keys or PageUp/PageDown "
                           "move between steps; Esc leaves.")
    if info is None:
        return None
    spec = LessonSpec(step=int(st.session_state.get(STEP_KEY, 1)), model_name=info.name,
                      presenting=bool(st.session_state.get(PRESENT_KEY)))
    navigation.write_url(spec)
    return spec, info, photo


def show_step(spec: LessonSpec, info: registry.ModelInfo, photo: Photo) -> None:
    """The step bar and the current step, computed from the real model on ``photo``."""
    try:
        model = resources.cached_model(info.name)
    except (ValueError, OSError) as error:
        st.error(f"The model {info.name!r} could not be loaded: {error}")
        return
    key, digest, pixels = info.name, photo.digest, photo.pixels
    classes = tuple(info.class_names)
    follow_step(spec.step)  # a teacher's class: the board charts this step's answers
    with st.container(key="lesson_step"):
        navigation.step_bar(spec.step, spec.presenting)
        with st.spinner("Running the model on your photo…"):
            needs_first = spec.step in FIRST_LAYER_STEPS
            first = lesson_resources.cached_first_layer(key, digest, model, pixels) if needs_first else None
            if spec.step == 1:
                first_steps.photo_step(spec, first)
            elif spec.step == 2:
                first_steps.filter_step(spec, first)
            elif spec.step == 3:
                first_steps.relu_step(spec, first)
            elif spec.step == 4:
                first_steps.pool_step(spec, first)
            elif spec.step == 5:
                middle_steps.deeper_step(spec, lesson_resources.cached_deeper(key, digest, model, pixels))
            elif spec.step in (6, 7):
                answer = cached_photo_answer(info.name, photo)  # the Classify page's answer, from its cache
                if spec.step == 6:
                    decision = lesson_resources.cached_decision(key, digest, classes, model, pixels)
                    middle_steps.decision_step(spec, decision, answer, info.calibration.temperature)
                else:
                    cam = inside_resources.cached_grad_cam(key, digest, default_gradcam_layer(model),
                                                           answer.index, model, pixels, classes)
                    model_pixels = resources.cached_model_pixels(digest, tuple(model.input_shape[1:3]), pixels)
                    middle_steps.looked_step(spec, cam, model_pixels, answer)
            elif spec.step == 8:
                _learning(spec, info, model, first.channel)
            elif spec.step == 9:
                neither = [resources.cached_demo_photo(name) for name in NEITHER_PHOTOS]
                trials = lesson_resources.cached_limits(key, digest, NEITHER_PHOTOS, model, pixels,
                                                        tuple(p.pixels for p in neither))
                last_steps.limits_step(spec, trials, info.novelty)
            else:
                decision = lesson_resources.cached_decision(key, digest, classes, model, pixels)
                chain = chain_text(tuple(model.input_shape[1:]), shape_changes(model))
                last_steps.recap_step(spec, first, chain, decision, cached_photo_answer(info.name, photo))


def _learning(spec: LessonSpec, info: registry.ModelInfo, model, channel: int) -> None:
    history = model_history(info)
    if history is None or isinstance(history, str):
        st.info(history or f"The `{info.name}` model has no training history to show.")
        return
    lesson = lesson_resources.cached_learning(info.name, channel, model, history)
    last_steps.learning_step(spec, lesson, info.card)
