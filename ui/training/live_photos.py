"""Step 1 of live training: which photos, counted now and decoded only once Start is pressed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.data.files import default_data_dir
from core.data.image_set import ImageSet
from core.training.live import networks, photo_sets
from core.training.live.photo_sources import (
    FOLDER_SOURCE,
    photo_sources,
    photos_per_class,
    sample_size_choices,
)
from ui.resources import training as training_resources
from ui.training.own_classes import own_photos


@dataclass(frozen=True)
class PhotoChoice:
    """The photos chosen: how many per class, and how to get them as arrays."""

    counts: dict[str, int]
    load: Callable[[], ImageSet]


def dataset_sample(folder: str, config: networks.LiveConfig) -> PhotoChoice:
    files = training_resources.cached_folder_files(folder)
    fewest, most, default = sample_size_choices(len(files), networks.PRESET_PHOTOS[config.mode],
                                                networks.MOST_PHOTOS[config.mode])
    count = int(st.slider("How many photos", fewest, most, default, step=10, key=f"training_sample_size_{config.mode}",
                          help="A class-balanced random sample of the training photos. From scratch needs "
                               "thousands; transfer learning does well with a few hundred."))
    sample = photo_sets.subsample_files(files, count, seed=0)
    image_size = config.image_size
    # Decoding waits for Start: opening the page should not read thousands of photos.
    return PhotoChoice(sample.counts(), lambda: training_resources.cached_folder_sample(folder, count, image_size))


def choose_source() -> str:
    """Where the photos come from: the dataset (where this machine has it) or the learner's own."""
    st.subheader("1. The photos")
    return st.radio("Photos to train on", photo_sources(dataset_folder() is not None), horizontal=True,
                    key="training_source")


def dataset_folder():
    return photo_sets.training_folder(default_data_dir())


def show_photos(source: str, config: networks.LiveConfig) -> PhotoChoice | None:
    """The photo controls; the choice when its classes can be trained on, else None (with the reason)."""
    if source == FOLDER_SOURCE:
        choice = dataset_sample(str(dataset_folder()), config)
    else:
        data = own_photos(config.image_size)
        choice = None if data is None else PhotoChoice(data.counts(), lambda: data)
    if choice is None:
        return None
    st.caption(photos_per_class(choice.counts))
    try:
        photo_sets.check_class_counts(choice.counts)
    except ValueError as error:
        st.error(str(error))
        return None
    return choice
