"""Try the live-trained network on a photo: an upload, or the photo chosen elsewhere in the app."""

from __future__ import annotations

import streamlit as st

from core.figures.probability import probability_figure
from core.imaging.photo import UPLOAD_TYPES, Photo
from core.training.live import trainer
from ui.components.charts import show_chart
from ui.components.photo_picker import photos_from_uploads
from ui.session import current_photo


def photo_to_try() -> Photo | None:
    """The uploaded photo; the session's photo when none is uploaded; None when the upload is unusable."""
    upload = st.file_uploader("A photo to classify", type=UPLOAD_TYPES, key="training_try_upload")
    if upload is not None:
        photos = photos_from_uploads([upload])  # a bad file gets its one-line message there
        return photos[0] if photos else None
    photo = current_photo()
    st.caption(f"No photo uploaded: using {photo.name}, the photo chosen elsewhere in the app.")
    return photo


def try_photo(result: trainer.LiveResult) -> None:
    st.markdown("#### Try it on a photo")
    photo = photo_to_try()
    if photo is None:
        return
    tried = result.try_photo(photo.pixels)
    prediction = tried.prediction
    left, right = st.columns([1, 2])
    left.image(photo.pixels, caption=photo.name, width=220, alt=f"The photo tried: {photo.name}")
    left.image(tried.model_input, caption=tried.input_caption, width=220,
               alt=f"{tried.input_caption}. {tried.sentence}")
    right.markdown(tried.sentence)
    with right:
        show_chart(probability_figure(prediction.class_names, prediction.probabilities, chosen=prediction.chosen),
                   key="live_try_chart")
