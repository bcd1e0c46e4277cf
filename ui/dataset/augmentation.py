""""Augmentation preview": random versions of one photo through the very layers training uses."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.augment.settings import PRESETS
from core.augment.steps import preview_size_sentence, steps_table
from core.data.listing import DatasetListing, Reader
from core.data.samples import random_photo
from core.imaging.photo import Photo
from ui import resources
from ui.components.gallery import GalleryItem, gallery
from ui.components.photo_picker import photo_expander
from ui.dataset.augmentation_controls import read_augmentation_controls
from ui.dataset.samples import shuffle_seed
from ui.resources import dataset as dataset_resources

INTRO = (
    "During training every photo is changed a little, at random, each time it is used: turned, shifted, "
    "zoomed, flipped. The network then sees many versions of each cat and dog and learns what matters "
    "(ears, eyes, fur) instead of memorising exact pixels. Below, the photo goes through "
    "`core.augment.layers.build_augmentation`, the same Keras layers the training code builds, so these are "
    "the random changes training makes. Flip, turn, shift, slant and zoom are multiplied into one "
    "transform, so each version is resampled once and stays sharp."
)
KERAS_3_NOTE = (
    "**Coming from the tutorials?** They use `ImageDataGenerator`, which Keras 3 no longer has. Its job is "
    "split in two now: `tf.data` (or `keras.utils.image_dataset_from_directory`) reads and batches the photos, "
    "and preprocessing layers such as `RandomFlip`, `RandomRotation`, `RandomZoom` or `RandomContrast` change "
    "them. Those layers sit in the model or in the data pipeline, run only while training, and do nothing "
    "when predicting."
)
OWN_PHOTO = "Your photo or the demo photo"
DATASET_PHOTO = "A random photo from the data set"
#: Versions per row: four 160-pixel squares fit beside the controls.
PER_ROW = 4
SEED_KEY = "aug_seed"


@dataclass(frozen=True)
class PreviewSpec:
    count: int
    seed: int


def choose_photo(listing: DatasetListing | None, reader: Reader | None) -> Photo:
    """The photo to augment: the session's photo (upload/demo) or one from the data set."""
    choices = [OWN_PHOTO]
    if listing is not None and len(listing) and reader is not None:
        choices.append(DATASET_PHOTO)
    picked = st.radio("Photo to augment", choices, horizontal=True, key="aug_photo_choice")
    if picked == OWN_PHOTO:
        return photo_expander("dataset")
    photo = random_photo(listing, reader, shuffle_seed())
    if photo is None:
        st.warning("No photo of the data set could be decoded; using the demo photo.")
        return photo_expander("dataset")
    st.caption(f"From the data set: `{photo.name}` (“Shuffle” above picks another).")
    return photo


def read_preview_controls() -> PreviewSpec:
    top = st.columns([2, 1])
    count = top[0].slider("How many versions", 8, 16, 12, step=4, key="aug_count")
    if top[1].button("Resample", icon=":material/casino:", key="aug_resample"):
        st.session_state[SEED_KEY] = st.session_state.get(SEED_KEY, 0) + 1
    return PreviewSpec(int(count), st.session_state.get(SEED_KEY, 0))


def show_augmentation(listing: DatasetListing | None, reader: Reader | None) -> None:
    st.header("Augmentation preview")
    st.markdown(INTRO)
    st.info(KERAS_3_NOTE)
    photo = choose_photo(listing, reader)
    # The sizes of the models trained with these random changes (the transfer model's cards name none).
    trained_sides = {info.name: int(info.input_size[0]) for info in resources.cached_model_list()
                     if info.card.get("augmentation") in PRESETS}
    controls, grid = st.columns([1, 2])
    with controls:
        settings = read_augmentation_controls()
    with grid:
        spec = read_preview_controls()
        try:
            preview = dataset_resources.cached_augmentation(photo.digest, photo.pixels, settings, spec.count,
                                                            spec.seed)
        except ValueError as error:
            st.error(str(error))
            return
        gallery([GalleryItem(image, "") for image in preview.images], per_row=PER_ROW)
        st.caption(f"{preview.caption} “Resample” draws new ones. {preview_size_sentence(trained_sides)}")
    # Full width below the grid: the range column needs the room.
    if preview.steps:
        st.markdown("**The random changes these settings switch on**")
        st.dataframe(steps_table(preview.steps), hide_index=True, key="aug_layers")
    else:
        st.info("All changes are switched off: every version is the original photo.")
    st.caption("Augmentation is used on training batches only. Validation and test photos, and the photos you "
               "classify, are never changed.")
