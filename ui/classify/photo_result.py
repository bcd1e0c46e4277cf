"""One photo's answer: the photo beside the verdict, its sentences and the calibrated probability bars."""

from __future__ import annotations

import streamlit as st

from core.figures.probability import probability_figure
from core.imaging.photo import Photo
from core.prediction.photo_answer import PhotoAnswer
from ui.components.charts import show_chart


def highlighted_class(answer: PhotoAnswer) -> int | None:
    """The bar to colour: the answer's class, none when the answer is "not sure" or "neither"."""
    return None if answer.unsure or answer.neither else answer.index


def photo_result(photo: Photo, answer: PhotoAnswer, flag_note: str = "") -> None:
    """``flag_note``: how well this model's "neither" flag did when it was checked, where this photo needs it."""
    st.divider()
    left, right = st.columns([1, 1.3])
    with left:
        st.image(photo.pixels, caption=f"{photo.name} · {photo.size_text} (upright)", width="stretch",
                 alt=f"The photo {photo.name}, {photo.size_text}, turned upright. {answer.verdict}")
        for note in photo.notes:
            st.caption(note)
    with right:
        st.markdown(f"### {answer.verdict}")
        st.write(answer.explanation)
        if answer.details or flag_note:
            with st.expander("The \"neither\" score and how it was checked"):
                st.write(answer.details)
                if flag_note:
                    st.caption(flag_note)
        prediction = answer.prediction  # the calibrated percentages, the numbers the sentence words
        figure = probability_figure(prediction.class_names, prediction.probabilities, chosen=highlighted_class(answer))
        show_chart(figure, key=f"bars_{photo.photo_id}")


def photo_results(photos: list[Photo], answers: list[PhotoAnswer], flag_notes: list[str] | None = None) -> None:
    """Every photo with its answer (and its note on the "neither" flag, if any), in upload order."""
    notes = flag_notes if flag_notes is not None else [""] * len(answers)
    if not len(photos) == len(answers) == len(notes):
        raise ValueError(f"{len(photos)} photos but {len(answers)} answers and {len(notes)} flag notes.")
    for photo, answer, note in zip(photos, answers, notes):
        photo_result(photo, answer, note)
