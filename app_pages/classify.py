"""Classify a photo: the landing page."""

from __future__ import annotations

import streamlit as st

from core.prediction.answers import known_classes_note, model_card_text
from ui.classify.model_input import model_input_view
from ui.classify.photo_result import photo_results
from ui.classify.photos import picked_photos
from ui.classify.results_table import results_table
from ui.components.model_picker import model_picker
from ui.resources.classify import cached_predictions

st.title("📷 Does this CNN see a cat or a dog?")
st.write(
    "Upload a photo (or take one with your camera) and a real convolutional neural network "
    "classifies it. The other pages open the network up and show how it got there."
)

info = model_picker("Model")
if info is None:
    st.stop()
with st.expander("About this model"):
    st.markdown(model_card_text(info))

photos = picked_photos()
predictions = cached_predictions(info.name, info.input_size, info.class_names,
                                 tuple(photo.digest for photo in photos), tuple(photo.pixels for photo in photos))

st.caption(known_classes_note(info.class_names))
if len(photos) > 1:
    results_table(photos, predictions)
photo_results(photos, predictions)

st.divider()
st.subheader("What the network actually receives")
model_input_view(photos[0], info)
