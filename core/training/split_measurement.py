"""Measuring a model on a labelled split: scores per photo and the metrics file."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from core.data.files import LabeledFiles
from core.data.pipeline import make_dataset
from core.models.inference import predict_probabilities
from core.training.metrics import binary_metrics


def split_probabilities(model: keras.Model, files: LabeledFiles, image_size: int, batch_size: int = 64) -> np.ndarray:
    """(N, C) class probabilities for every file, in order."""
    dataset = make_dataset(files, image_size, batch_size, training=False, cache=False)
    return np.concatenate([predict_probabilities(model, np.asarray(batch), batch_size)
                           for batch, _ in dataset], axis=0)


def measure_split(model: keras.Model, files: LabeledFiles, image_size: int) -> dict:
    """Test metrics plus the files the model got wrong, with their probabilities."""
    probabilities = split_probabilities(model, files, image_size)
    labels = np.asarray(files.labels)
    predicted = probabilities.argmax(axis=1)
    if len(files.class_names) == 2:
        metrics = binary_metrics(labels, probabilities[:, 1]).as_dict()
    else:
        metrics = {"accuracy": float((predicted == labels).mean()), "count": int(len(labels))}
    wrong = [
        {
            "file": str(Path(files.paths[i]).relative_to(Path(files.paths[i]).parents[1])),
            "true": files.class_names[labels[i]],
            "predicted": files.class_names[predicted[i]],
            "probabilities": [round(float(p), 4) for p in probabilities[i]],
        }
        for i in np.nonzero(predicted != labels)[0]
    ]
    metrics["class_names"] = list(files.class_names)
    metrics["wrong"] = wrong
    return metrics
