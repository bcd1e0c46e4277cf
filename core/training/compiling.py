"""The one way every training path (offline, fine-tuning, live) compiles a network: Adam, the loss its head needs."""

from __future__ import annotations

import keras


def compile_model(model: keras.Model, learning_rate: float | keras.optimizers.schedules.LearningRateSchedule,
                  num_classes: int) -> keras.Model:
    """One sigmoid unit for two classes (binary cross-entropy), a softmax over integer labels for more."""
    loss = "binary_crossentropy" if num_classes == 2 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=["accuracy"])
    return model
