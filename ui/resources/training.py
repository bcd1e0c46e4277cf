"""The Training page's caches: model folders' files, thumbnails, scores, the live-training photos and slot.

Files are keyed on their modification time as well as their path, so a
retrained model or a replaced photo shows at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from core.data.files import LabeledFiles, list_labeled_files
from core.data.image_set import ImageSet
from core.imaging.decode import ImageLoadError
from core.imaging.resize import load_thumbnail
from core.models import registry
from core.models.features import FrozenBase, frozen_base
from core.training.history import TrainingHistory, read_history, read_json_object
from core.training.live import networks, photo_sets, trainer
from core.training.live.photo_sources import FrozenClasses
from core.training.roc_scores import positive_class_scores
from ui import resources

#: The longer side of a wrong photo's thumbnail, in pixels.
THUMBNAIL_SIDE = 180


def modified_time(path: Path) -> float:
    """The file's modification time (0 when it is missing): part of every file cache's key."""
    return path.stat().st_mtime if path.is_file() else 0.0


@st.cache_data(show_spinner=False, max_entries=64)
def cached_history(folder: str, modified: float) -> TrainingHistory | str:
    """The history of one model folder, or the one-line reason it cannot be read."""
    try:
        return read_history(Path(folder) / "history.json")
    except ValueError as error:
        return str(error)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_metrics(folder: str, modified: float) -> dict:
    return read_json_object(Path(folder) / "metrics.json")


def model_history(info: registry.ModelInfo) -> TrainingHistory | str | None:
    """The model's history, a message when it is broken, or None when it has none."""
    path = info.folder / "history.json"
    if not path.is_file():
        return None
    return cached_history(str(info.folder), modified_time(path))


def model_metrics(info: registry.ModelInfo) -> dict:
    """The model's metrics.json ({} when it has none)."""
    return cached_metrics(str(info.folder), modified_time(info.folder / "metrics.json"))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_thumbnail(path: str, modified: float, side: int = THUMBNAIL_SIDE) -> np.ndarray | None:
    """A photo file as a thumbnail, or None when it cannot be opened."""
    try:
        return load_thumbnail(Path(path).read_bytes(), side)
    except (ImageLoadError, OSError):
        return None


def thumbnail(path: Path) -> np.ndarray | None:
    return cached_thumbnail(str(path), modified_time(path))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_roc_scores(model_name: str, test_folder: str, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and class-1 probabilities for a class-balanced sample of the test photos."""
    info = registry.get_model_info(model_name)
    model = resources.cached_model(model_name)
    return positive_class_scores(model, info.class_names, info.input_size[0], test_folder, count)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_parameter_count(architecture: str, image_size: int, dropout: float) -> int:
    return networks.count_parameters(architecture, image_size, 2, dropout)


@st.cache_resource(show_spinner="Loading the frozen MobileNet…", max_entries=2)
def cached_frozen_base(image_size: int) -> FrozenBase:
    """The frozen MobileNet at one input size, with its bounded cache of photo features (shared by everyone)."""
    return frozen_base(image_size)


@st.cache_resource
def cached_training_slot() -> trainer.TrainingSlot:
    """One live training at a time for the whole server process."""
    return trainer.TrainingSlot()


# Decoded photos are small arrays, but a class's uploads can be many: keep few, not for ever.
@st.cache_data(show_spinner="Preparing the photos…", max_entries=3, ttl=3600)
def cached_class_images(classes: FrozenClasses, image_size: int) -> ImageSet:
    return photo_sets.decode_class_images({name: list(files) for name, files in classes}, image_size)


# At 224 px (transfer mode) one sample of 1,500 photos is about 230 MB: keep two at most.
@st.cache_data(show_spinner=False, max_entries=2, ttl=3600)
def cached_folder_sample(folder: str, count: int, image_size: int) -> ImageSet:
    return photo_sets.load_folder_sample(folder, count, image_size, seed=0)


@st.cache_data(show_spinner=False, max_entries=4)
def cached_folder_files(folder: str) -> LabeledFiles:
    return list_labeled_files(folder)
