"""Classify a photo: the landing page."""

from __future__ import annotations

import streamlit as st

from core.prediction.answers import flag_record, model_card_text
from ui import resources
from ui.classify.model_input import model_input_view
from ui.classify.photo_result import photo_results
from ui.classify.photos import picked_photos
from ui.classify.results_table import results_table
from ui.classroom.send import class_board_sends
from ui.components.model_picker import model_picker
from ui.resources.classify import cached_answers
from ui.session import current_photo

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
tools = resources.cached_answer_tools(info.name)
answers = cached_answers(info.name, tuple((photo.digest, photo.name) for photo in photos),
                         tuple(photo.pixels for photo in photos))

with st.expander("What the percentages and the \"neither\" flag mean"):
    st.caption(tools.note)
if len(photos) > 1:
    results_table(photos, answers)
photo_results(photos, answers, [flag_record(tools.novelty_card, tools.class_words, answer.neither)
                                for answer in answers])
class_board_sends(photos, answers, info.name)  # only for a student in a class

st.divider()
st.subheader("What the network actually receives")
model_input_view(current_photo(), info)  # the photo that follows the learner
