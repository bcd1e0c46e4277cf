""""Random samples": a row of thumbnails per class, and the Shuffle button that draws others."""

from __future__ import annotations

from pathlib import PurePosixPath

import streamlit as st

from core.data.listing import DatasetListing, Reader
from core.data.samples import THUMBNAILS_PER_CLASS, sample_paths
from ui.components.gallery import GalleryItem, gallery
from ui.resources import dataset as dataset_resources

#: Session key of the shuffle seed; the augmentation preview draws its data-set photo from it too.
SHUFFLE_SEED_KEY = "dataset_shuffle_seed"


def shuffle_seed() -> int:
    return st.session_state.get(SHUFFLE_SEED_KEY, 0)


def show_samples(listing: DatasetListing, reader: Reader, source_key: tuple) -> None:
    st.header("Random samples")
    if st.button("Shuffle", icon=":material/shuffle:", key="dataset_shuffle"):
        st.session_state[SHUFFLE_SEED_KEY] = shuffle_seed() + 1
    for class_name, paths in sample_paths(listing, shuffle_seed(), THUMBNAILS_PER_CLASS).items():
        pictures = dataset_resources.cached_thumbnails(source_key, paths, reader)
        st.markdown(f"**{class_name}**")
        gallery([GalleryItem(picture, PurePosixPath(path).name) for path, picture in zip(paths, pictures)],
                per_row=THUMBNAILS_PER_CLASS)
