"""A shipped model's scores on a sample of the test photos, for its ROC curve."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from core.data.files import list_labeled_files, load_arrays
from core.models.inference import predict_probabilities
from core.training.live.photo_sets import subsample_files


def positive_class_scores(model: keras.Model, class_names: tuple[str, ...], image_size: int,
                          test_folder: str | Path, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and class-1 probabilities for a class-balanced sample of about ``count`` test photos.

    Class 1 (the second class, "dogs") is the positive class, as in
    ``core.training.metrics.binary_metrics``.
    """
    if len(class_names) != 2:
        raise ValueError(f"A ROC curve needs a two-class model, this one has {len(class_names)} classes.")
    files = subsample_files(list_labeled_files(test_folder, class_names), count, seed=seed)
    images, labels = load_arrays(files, image_size)
    return labels, predict_probabilities(model, images)[:, 1]
