"""Steps 8 to 10: how the model learned, what it cannot do, and the recap."""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.explain.glossary import output_layer
from core.figures.training import history_figure
from core.lesson import learning, limits, recap
from core.lesson.decision import DecisionLesson
from core.lesson.first_layer import FirstLayerLesson
from core.lesson.learning import LearningLesson
from core.models.registry import NoveltyCard
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer
from core.training.history import best_epoch, early_stopping_point
from core.wording.percent import probability_percent, share_percent
from ui import resources
from ui.components.charts import show_chart
from ui.lesson.frame import step_layout
from ui.lesson.grids import grid_html, show_grids
from ui.lesson.navigation import LessonSpec


def learning_step(spec: LessonSpec, lesson: LearningLesson, card: dict) -> None:
    text = learning.learning_text(lesson)
    history = lesson.history

    def visual() -> None:
        figure = history_figure(history, "loss", title="Loss per epoch (lower is better)",
                                early_stop=early_stopping_point(history, card), height=360 if spec.presenting else 340)
        if spec.presenting:  # the axes and the legend are read from the back of the room too
            figure.update_layout(font_size=20, legend_font_size=20, title_font_size=22)
            # At 20 px the axis titles ran into the chart's title and its legend: the title already says
            # "loss per epoch", so the axes keep their numbers only.
            figure.update_xaxes(tickfont_size=20, title_text="")
            figure.update_yaxes(tickfont_size=20, title_text="")
            # The legend at the figure's foot, below the 20-px tick labels rather than a share of the plot below it.
            figure.update_layout(legend=dict(yref="container", y=0, yanchor="bottom"), margin_b=110)
        show_chart(figure, key=f"lesson_curves_{spec.model_name}")
        best = best_epoch(history)
        if best is not None and len(history.val_accuracy) == history.epochs:
            st.metric(f"Validation accuracy at epoch {best}", share_percent(history.val_accuracy[best - 1], 1))

    def numbers() -> None:
        show_grids([grid_html(lesson.untrained.kernel[..., 0, lesson.channel], "before training (red weights)",
                              decimals=2),
                    grid_html(lesson.trained.kernel[..., 0, lesson.channel], "after training", decimals=2)])

    step_layout(spec, text, visual, numbers, widths=(0.9, 1.35))  # its sentences are the longest


#: Step 9's photos: three to a row, each small enough that two rows and the checkpoint fit a 1280×720 projector.
TILES_PER_ROW = 3

TILE_WIDTH = 96


def limits_step(spec: LessonSpec, trials: list[limits.Trial], novelty: NoveltyCard | None = None) -> None:
    # The first sentence words the model's real output layer (one sigmoid unit, or a softmax over the classes).
    output = output_layer(resources.cached_model(spec.model_name))
    text = limits.limits_text(trials, novelty, output=output)

    def visual() -> None:
        # Three tiles a row: five or six in one row leave 80 px a caption, and "astronaut" breaks mid-word.
        columns = [column for start in range(0, len(trials), TILES_PER_ROW)
                   for column in st.columns(TILES_PER_ROW)][:len(trials)]
        for column, trial in zip(columns, trials):
            answer = trial.answer
            column.image(trial.pixels.astype(np.uint8), width=TILE_WIDTH,
                         alt=f"{trial.label}: the model says {singular(answer.label)} "
                             f"{probability_percent(answer.confidence)}")
            verdict = "neither? " if answer.neither else "not sure: " if answer.unsure else ""
            column.markdown(f"{verdict}**{singular(answer.label)}** {probability_percent(answer.confidence)}")
            column.caption(trial.label)

    def numbers() -> None:
        first = next(trial for trial in trials if trial.kind == "neither")
        st.metric(f"{first.label.split(' (')[0]}: the model says", singular(first.answer.label))

    step_layout(spec, text, visual, numbers)
    if not spec.presenting:  # a second pointer, for the students' phones: the projected step keeps to one screen
        fragility_link()


FRAGILITY_PAGE = "app_pages/fragility.py"


def fragility_link() -> None:
    """Step 9's "try it" for how little it takes: the fragility page's sliders and smallest nudge."""
    try:
        st.page_link(FRAGILITY_PAGE, label="Try it: How fragile is it?", icon="🥚")
    except StreamlitPageNotFoundError:  # the page run on its own (tests) has no navigation to link into
        st.markdown("🥚 Try it: **How fragile is it?** in the menu")
    st.caption("…and drag noise, a turn, shrinking, brightness or a tiny nudge until the answer flips.")


def recap_step(spec: LessonSpec, first: FirstLayerLesson, chain_text: str, decision: DecisionLesson,
               answer: PhotoAnswer) -> None:
    text = recap.recap_text(first, decision)

    def visual() -> None:
        st.markdown("\n".join(f"{number}. {line}" for number, line in
                              enumerate(recap.recap_lines(first, chain_text, decision, answer), start=1)))

    def numbers() -> None:
        st.metric("From pixels to", f"{singular(answer.label)} {probability_percent(answer.confidence)}")

    step_layout(spec, text, visual, numbers)
