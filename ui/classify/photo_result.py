"""One photo's answer: the photo beside the verdict, its sentence and the probability bars."""

from __future__ import annotations

import streamlit as st

from core.figures.probability import probability_figure
from core.imaging.photo import Photo
from core.prediction.answers import Prediction
from ui.components.charts import show_chart


def photo_result(photo: Photo, prediction: Prediction) -> None:
    st.divider()
    left, right = st.columns([1, 1.3])
    with left:
        st.image(photo.pixels, caption=f"{photo.name} · {photo.size_text} (upright)", width="stretch")
        for note in photo.notes:
            st.caption(note)
    with right:
        st.markdown(f"### {prediction.verdict}")
        st.write(prediction.explanation)
        figure = probability_figure(prediction.class_names, prediction.probabilities, chosen=prediction.chosen)
        show_chart(figure, key=f"bars_{photo.name}")


def photo_results(photos: list[Photo], predictions: list[Prediction]) -> None:
    """Every photo with its answer, in upload order."""
    if len(photos) != len(predictions):
        raise ValueError(f"{len(photos)} photos but {len(predictions)} predictions.")
    for photo, prediction in zip(photos, predictions):
        photo_result(photo, prediction)
