"""Steps 5 to 7: deeper layers' maps, from maps to one neuron and the probability, and Grad-CAM."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.arithmetic.numbers import format_count, format_number
from core.explain.gradcam import overlay
from core.explain.heat_map import HeatMap, heat_place
from core.explain.numbering import shown_number
from core.lesson import decision, deeper, looked
from core.lesson.decision import DecisionLesson
from core.lesson.deeper import DeeperLesson
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer
from core.wording.percent import probability_percent
from ui.lesson.frame import step_layout
from ui.lesson.navigation import LessonSpec


def deeper_step(spec: LessonSpec, lesson: DeeperLesson) -> None:
    text = deeper.deeper_text(lesson)

    def visual() -> None:
        columns = st.columns(len(lesson.pictured))
        for column, maps in zip(columns, lesson.pictured):
            channel, picture = deeper.strongest_map(maps)
            column.image(picture, width="stretch",
                         caption=f"{maps.layer.split('/')[-1]}: {maps.label}, map {shown_number(channel)}",
                         alt=f"Feature map {shown_number(channel)} of layer {maps.layer.split('/')[-1]} "
                             f"({maps.label}), the strongest of that layer: it responds most at the "
                             f"{heat_place(picture)}")
        st.markdown(f'<div class="lesson-code">{lesson.chain_text}</div>', unsafe_allow_html=True)

    def numbers() -> None:
        first, last = lesson.pictured[0], lesson.pictured[-1]
        left, right = st.columns(2)
        left.metric("First layer's maps", first.label)
        right.metric("Last maps", last.label)

    step_layout(spec, text, visual, numbers)


def decision_step(spec: LessonSpec, lesson: DecisionLesson, answer: PhotoAnswer, temperature: float) -> None:
    text = decision.decision_text(lesson, answer, temperature)

    def visual() -> None:
        st.markdown(f'<div class="lesson-code">{lesson.terms_text}</div>', unsafe_allow_html=True)
        st.caption(f"The {decision.SHOWN_TERMS} largest of the neuron's {format_count(lesson.neuron.inputs.size)} "
                   f"products w×x, with the real weights of `{lesson.output_layer.split('/')[-1]}`.")
        if lesson.is_sigmoid:
            # Three significant digits, so a confident model's 1.2e-12 is not written as 0.
            st.markdown(f'<div class="lesson-code">P({singular(lesson.class_names[1])}) = σ(z) = 1 / (1 + e^(−z)) = '
                        f'{lesson.probabilities[1]:.3g}</div>', unsafe_allow_html=True)

    def numbers() -> None:
        z_column, probability = st.columns(2)
        z_column.metric("z = w·x + b", format_number(lesson.neuron.z))
        probability.metric(answer_label(answer), probability_percent(answer.confidence))

    step_layout(spec, text, visual, numbers)


def answer_label(answer: PhotoAnswer) -> str:
    """The label over the lesson's percentage: the app's answer, as the Classify page gives it."""
    if answer.neither:
        return f"Neither? Best guess {singular(answer.label)}"
    if answer.unsure:
        return f"Not sure; best guess {singular(answer.label)}"
    return f"The app says {singular(answer.label)}"


def looked_step(spec: LessonSpec, cam: HeatMap, pixels: np.ndarray, answer: PhotoAnswer) -> None:
    text = looked.looked_text(cam, answer)
    class_names = answer.class_names

    def visual() -> None:
        left, right = st.columns(2)
        left.image(pixels.astype(np.uint8), width="stretch", caption="The photo",
                   alt="The photo the model looked at")
        right.image(overlay(pixels.astype(np.uint8), cam.values, 0.55), width="stretch",
                    caption=f"Grad-CAM for {singular(class_names[cam.class_index])} "
                            f"({cam.details['layer'].split('/')[-1]})", alt=cam.caption)

    def numbers() -> None:
        st.metric(answer_label(answer), probability_percent(answer.confidence))

    step_layout(spec, text, visual, numbers)
