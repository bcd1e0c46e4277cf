"""Classify a photo: the landing page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.imaging.demo import DEFAULT_DEMO, DEMO_PHOTOS
from core.imaging.digest import digest
from core.imaging.photo import UPLOAD_TYPES, Photo
from core.models import predict, registry
from core.prediction.answers import (
    UNSURE_BELOW,
    Prediction,
    format_probability,
    predictions_from_probabilities,
    results_csv,
    singular,
)
from core.prediction.inputs import input_scaling, model_inputs, pixel_crop
from ui import resources
from ui.components.model_picker import model_picker
from ui.session import current_photo, set_current_photo

st.title("📷 Does this CNN see a cat or a dog?")
st.write(
    "Upload a photo (or take one with your camera) and a real convolutional neural network "
    "classifies it. The other pages open the network up and show how it got there."
)

info = model_picker("Model")
if info is None:
    st.stop()
with st.expander("About this model"):
    card = info.card
    st.markdown(
        f"**{info.title}** · input {info.input_size[0]}×{info.input_size[1]} RGB · "
        f"{card.get('parameters', 0):,} parameters · classes: {', '.join(info.class_names)}\n\n"
        f"Trained on: {card.get('dataset', 'unknown')}. {card.get('dataset_licence', '')}"
    )


@st.cache_data(show_spinner=False, max_entries=64)
def decode_cached(name: str, data: bytes, source: str) -> Photo | str:
    """Decode once per file; returns an error message instead of raising."""
    from core.imaging.decode import ImageLoadError, decode_image

    try:
        decoded = decode_image(data)
    except ImageLoadError as error:
        return str(error)
    return Photo(name=name, pixels=decoded.pixels, source=source, notes=decoded.notes)


@st.cache_data(show_spinner="Classifying…", max_entries=128)
def classify_cached(model_name: str, photo_digests: tuple[str, ...], _pixels: tuple[np.ndarray, ...]):
    """Probabilities for a batch of photos, cached per model and photo content."""
    model_info = registry.get_model_info(model_name)
    model = resources.cached_model(model_name)
    batch = model_inputs(list(_pixels), model_info.input_size)
    probabilities = predict.predict_probabilities(model, batch)
    return predictions_from_probabilities(probabilities, model_info.class_names)


source_tabs = st.tabs(["Upload photos", "Take a photo", "Demo photos"])
photos: list[Photo] = []
with source_tabs[0]:
    uploads = st.file_uploader(
        "Photos of cats or dogs (JPEG, PNG, WebP, HEIC, GIF, BMP, TIFF)", type=UPLOAD_TYPES,
        accept_multiple_files=True, key="classify_uploads",
    )
    for upload in uploads or []:
        result = decode_cached(upload.name, upload.getvalue(), "upload")
        if isinstance(result, str):
            st.error(f"**{upload.name}**: {result}")
        else:
            photos.append(result)
with source_tabs[1]:
    use_camera = st.toggle("Use my camera", key="classify_camera_on",
                           help="Your browser asks for permission; the photo is never stored.")
    if use_camera:
        shot = st.camera_input("Take a photo", key="classify_camera")
        if shot is not None:
            result = decode_cached("camera photo", shot.getvalue(), "camera")
            if isinstance(result, str):
                st.error(result)
            else:
                photos.append(result)
with source_tabs[2]:
    demo_name = st.radio("Demo photo (used when nothing is uploaded)", list(DEMO_PHOTOS), key="classify_demo",
                         index=list(DEMO_PHOTOS).index(DEFAULT_DEMO), horizontal=True)

if not photos:
    photos = [resources.cached_demo_photo(demo_name)]
    st.info(f"No photo uploaded yet: showing the demo photo **{demo_name}**.")

# The first photo follows the learner to the other pages.
if current_photo().name != photos[0].name or st.session_state.get("photo") is None:
    set_current_photo(photos[0])

predictions: list[Prediction] = classify_cached(
    info.name, tuple(digest(photo.pixels) for photo in photos), tuple(photo.pixels for photo in photos)
)


def probability_bars(prediction: Prediction) -> go.Figure:
    colors = ["#1f6feb" if i == prediction.index and not prediction.unsure else "#8c959f"
              for i in range(len(prediction.class_names))]
    figure = go.Figure(go.Bar(
        x=list(prediction.probabilities), y=[singular(name) for name in prediction.class_names],
        orientation="h", marker_color=colors, text=[format_probability(p) for p in prediction.probabilities],
        textposition="auto", hovertemplate="%{y}: %{x:.2%}<extra></extra>",
    ))
    figure.add_vline(x=0.5, line_dash="dot", line_color="#57606a")
    figure.update_layout(height=60 + 40 * len(prediction.class_names), margin=dict(l=10, r=10, t=10, b=10),
                         xaxis=dict(range=[0, 1], tickformat=".0%"), showlegend=False)
    return figure


st.caption(
    f"The model only knows **{' and '.join(info.class_names)}**. A photo of a car or a cup still gets one of "
    "these answers, because the probabilities always add up to 100%. "
    f"Below {UNSURE_BELOW:.0%} for the top class we say *not sure*."
)

if len(photos) > 1:
    st.subheader(f"{len(photos)} photos")
    table = pd.DataFrame({
        "photo": [photo.name for photo in photos],
        "prediction": [("not sure" if p.unsure else singular(p.label)) for p in predictions],
        "probability": [p.confidence for p in predictions],
    })
    st.dataframe(table, width="stretch", hide_index=True,
                 column_config={"probability": st.column_config.ProgressColumn(
                     "probability of top class", format="%.3f", min_value=0.0, max_value=1.0)})
    st.download_button("Download results (CSV)", results_csv([p.name for p in photos], predictions),
                       file_name="predictions.csv", mime="text/csv")

for photo, prediction in zip(photos, predictions):
    st.divider()
    left, right = st.columns([1, 1.3])
    with left:
        st.image(photo.pixels, caption=f"{photo.name} · {photo.pixels.shape[1]}×{photo.pixels.shape[0]} px "
                                       "(upright)", width="stretch")
        for note in photo.notes:
            st.caption(note)
    with right:
        if prediction.unsure:
            st.markdown("### 🤔 Not sure")
            st.write(prediction.headline().capitalize() + ". The network is close to a coin toss on this photo.")
        else:
            st.markdown(f"### It's a **{singular(prediction.label)}**")
            st.write(f"{format_probability(prediction.confidence).capitalize()} sure.")
        st.plotly_chart(probability_bars(prediction), width="stretch", key=f"bars_{photo.name}",
                        config={"displayModeBar": False})

st.divider()
st.subheader("What the network actually receives")
photo = photos[0]
height, width = info.input_size
model_input = model_inputs([photo.pixels], info.input_size)[0]
st.write(
    f"The photo is squeezed to **{width}×{height} pixels**. To the network it is just a grid of numbers: "
    f"{height} rows × {width} columns × 3 colour channels (red, green, blue) = {height * width * 3:,} numbers "
    f"from 0 (dark) to 255 (bright). The model {input_scaling(resources.cached_model(info.name))}."
)
column_image, column_numbers = st.columns([1, 1.6])
with column_image:
    st.image(model_input, caption=f"Model input: {width}×{height}", width="stretch")
with column_numbers:
    crop_size = 6
    top = st.slider("Crop row", 0, height - crop_size, height // 2 - crop_size // 2, key="crop_top")
    left = st.slider("Crop column", 0, width - crop_size, width // 2 - crop_size // 2, key="crop_left")
    crop = pixel_crop(model_input, top, left, crop_size)
    channel_tabs = st.tabs(["Red", "Green", "Blue"])
    for channel, tab in enumerate(channel_tabs):
        with tab:
            st.dataframe(pd.DataFrame(crop[..., channel], index=range(top, top + crop_size),
                                      columns=range(left, left + crop_size)), width="stretch")
    st.caption(f"Pixel values of the {crop_size}×{crop_size} square at row {top}, column {left}.")
