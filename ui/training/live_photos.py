"""Step 1 of live training: which photos, counted now and decoded only once Start is pressed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.data.files import default_data_dir
from core.training import live_data
from core.training.live_photos import FOLDER_SOURCE, photo_sources, photos_per_class, sample_size_choices
from ui.resources import training as training_resources
from ui.training.own_classes import own_photos


@dataclass(frozen=True)
class PhotoChoice:
    """The photos chosen: how many per class, and how to get them as arrays."""

    counts: dict[str, int]
    load: Callable[[], live_data.ImageSet]


def dataset_sample(folder: str, image_size: int) -> PhotoChoice:
    files = training_resources.cached_folder_files(folder)
    fewest, most, default = sample_size_choices(len(files))
    count = int(st.slider("How many photos", fewest, most, default, step=10, key="training_sample_size",
                          help="A class-balanced random sample. A few hundred train in seconds per epoch."))
    sample = live_data.subsample_files(files, count, seed=0)
    # Decoding waits for Start: opening the page should not read hundreds of photos.
    return PhotoChoice(sample.counts(), lambda: training_resources.cached_folder_sample(folder, count, image_size))


def choose_photos(image_size: int) -> PhotoChoice | None:
    folder = live_data.training_folder(default_data_dir())
    source = st.radio("Photos to train on", photo_sources(folder is not None), horizontal=True,
                      key="training_source")
    if source == FOLDER_SOURCE:
        return dataset_sample(str(folder), image_size)
    data = own_photos(image_size)
    if data is None:
        return None
    return PhotoChoice(data.counts(), lambda: data)


def show_photos(image_size: int) -> PhotoChoice | None:
    """The photo controls; the choice when its classes can be trained on, else None (with the reason)."""
    st.subheader("1. The photos")
    choice = choose_photos(image_size)
    if choice is None:
        return None
    st.caption(photos_per_class(choice.counts))
    try:
        live_data.check_class_counts(choice.counts)
    except ValueError as error:
        st.error(str(error))
        return None
    return choice
