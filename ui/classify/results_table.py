"""Several photos at once: one table row each, and the same table as a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.imaging.photo import Photo
from core.prediction.answers import Prediction, results_csv


def results_table(photos: list[Photo], predictions: list[Prediction]) -> None:
    """A heading, the table (photo, answer, top probability) and the CSV download button."""
    if len(photos) != len(predictions):
        raise ValueError(f"{len(photos)} photos but {len(predictions)} predictions.")
    st.subheader(f"{len(photos)} photos")
    table = pd.DataFrame({
        "photo": [photo.name for photo in photos],
        "prediction": [prediction.answer for prediction in predictions],
        "probability": [prediction.confidence for prediction in predictions],
    })
    st.dataframe(table, width="stretch", hide_index=True,
                 column_config={"probability": st.column_config.ProgressColumn(
                     "probability of top class", format="%.3f", min_value=0.0, max_value=1.0)})
    st.download_button("Download results (CSV)", results_csv([photo.name for photo in photos], predictions),
                       file_name="predictions.csv", mime="text/csv")
