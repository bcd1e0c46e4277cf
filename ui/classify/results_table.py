"""Several photos at once: one table row each, and the same answers as a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.imaging.photo import Photo
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer, answers_csv
from core.wording.percent import probability_percent


def results_table(photos: list[Photo], answers: list[PhotoAnswer]) -> None:
    """A heading, the table (photo, answer, calibrated top probability, "neither" score) and the CSV button."""
    if len(photos) != len(answers):
        raise ValueError(f"{len(photos)} photos but {len(answers)} answers.")
    st.subheader(f"{len(photos)} photos")
    columns = {
        "photo": [photo.name for photo in photos],
        "answer": [answer.answer for answer in answers],
        # The same words as the bars under each photo ("over 99.9%", never a rounded 1.000).
        "probability": [f"{probability_percent(answer.confidence, 1)} {singular(answer.label)}" for answer in answers],
    }
    scored = all(answer.novelty is not None for answer in answers)
    if scored:
        columns["neither score"] = [f"{answer.novelty.score:.3g}" for answer in answers]
    config = {"probability": st.column_config.TextColumn("calibrated probability of the top class")}
    if scored:
        line = answers[0].novelty.threshold
        config["neither score"] = st.column_config.TextColumn(
            "“neither” score",
            help=f"Above {line:.3g} the photo is flagged: it doesn't look like the training photos.")
    st.dataframe(pd.DataFrame(columns), width="stretch", hide_index=True, column_config=config)
    st.download_button("Download results (CSV)", answers_csv(answers), file_name="predictions.csv", mime="text/csv")
