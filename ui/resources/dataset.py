"""Caches of the Dataset & augmentation page: listings, checks, thumbnails and augmented versions.

A folder is keyed on its path and its modification times (a new or deleted
photo shows at once), a zip on its digest; readers and archives are left out
of the keys (``_`` names) because the keys already say what they read.
"""

from __future__ import annotations

import zipfile

import numpy as np
import streamlit as st

from core.augment.settings import AugmentationSettings
from core.augment.steps import AugmentationPreview, augmentation_preview
from core.data import check
from core.data.listing import DatasetListing, Reader, list_folder, list_zip
from core.imaging.decode import ImageLoadError
from core.imaging.resize import load_thumbnail


@st.cache_data(show_spinner="Counting the photos…", max_entries=8)
def cached_folder_listing(folder: str, signature: tuple) -> DatasetListing:
    return list_folder(folder)


@st.cache_data(show_spinner="Reading the zip…", max_entries=4)
def cached_zip_listing(zip_digest: str, name: str, _archive: zipfile.ZipFile) -> DatasetListing:
    return list_zip(_archive, name)


@st.cache_data(show_spinner="Decoding the photos to check them…", max_entries=8)
def cached_check_report(source_key: tuple, sample_per_class: int | None, _listing: DatasetListing,
                        _reader: Reader) -> check.CheckReport:
    return check.check_dataset(_listing, _reader, sample_per_class=sample_per_class, seed=0)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_thumbnails(source_key: tuple, paths: tuple[str, ...], _reader: Reader) -> list[np.ndarray | None]:
    """A thumbnail of each file, or None for one that cannot be read or decoded."""
    pictures: list[np.ndarray | None] = []
    for path in paths:
        try:
            pictures.append(load_thumbnail(_reader(path)))
        except (ImageLoadError, OSError):
            pictures.append(None)
    return pictures


@st.cache_data(show_spinner="Augmenting…", max_entries=32)
def cached_augmentation(photo_digest: str, _pixels: np.ndarray, settings: AugmentationSettings, count: int,
                        seed: int) -> AugmentationPreview:
    return augmentation_preview(_pixels, settings, count=count, seed=seed)
