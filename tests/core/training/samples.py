"""Samples for the training tests: generated photos (each class leans to its own colour, so a tiny CNN can
learn them), a synthetic history whose shape is known, and a shipped model's metrics and card."""

from __future__ import annotations

import io
import zipfile

import keras
import numpy as np
from PIL import Image

from core.training.history import TrainingHistory


def png(colour=(200, 30, 30), size=24) -> bytes:
    """A plain-coloured PNG file."""
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_history(epochs: int = 20, best: int = 14, rise: float = 0.02, gap: float = 0.15) -> TrainingHistory:
    """Training loss keeps falling; validation loss bottoms out at ``best`` then rises by ``rise`` per epoch."""
    axis = np.arange(1, epochs + 1)
    loss = 0.7 * np.exp(-axis / 6)
    val_loss = np.where(axis <= best, 0.7 - 0.3 * axis / best, 0.4 + rise * (axis - best))
    accuracy = np.minimum(0.5 + 0.03 * axis, 0.9)
    val_accuracy = accuracy - gap * axis / epochs
    return TrainingHistory(tuple(loss), tuple(accuracy), tuple(val_loss), tuple(val_accuracy),
                           tuple([12.5] * epochs), tuple([1e-3] * epochs))



METRICS = {
    "accuracy": 0.9, "precision": 0.8888888888888888, "recall": 0.8, "f1": 0.8421052631578948, "roc_auc": 0.95,
    "confusion_matrix": [[50, 5], [10, 40]], "count": 105, "class_names": ["cats", "dogs"],
    "wrong": [
        {"file": "cats/cat_1.jpg", "true": "cats", "predicted": "dogs", "probabilities": [0.4, 0.6]},
        {"file": "dogs/dog_2.jpg", "true": "dogs", "predicted": "cats", "probabilities": [0.95, 0.05]},
        {"file": "dogs/missing.jpg", "true": "dogs", "predicted": "cats", "probabilities": [0.9, 0.1]},
        {"file": "../outside.jpg", "true": "dogs", "predicted": "cats", "probabilities": [0.9, 0.1]},
    ],
}
CARD = {"parameters": 3453121, "epochs_run": 20, "training_seconds": 3725.2, "machine": "x86_64 CPU x2"}


def green_is_dog_model(size: int = 8) -> keras.Model:
    """A network whose answer is known: P(dogs) = the photo's mean green value / 255."""
    inputs = keras.Input((size, size, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    dense = keras.layers.Dense(1)
    outputs = dense(pooled)
    model = keras.Model(inputs, outputs)
    dense.set_weights([np.array([[0.0], [1 / 255], [0.0]], np.float32), np.zeros(1, np.float32)])
    return model
