"""Every training path compiles alike: the loss follows the head, the optimiser is Adam at the given rate."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.training.compiling import compile_model


@pytest.mark.parametrize("classes, units, activation, loss", [
    (2, 1, "sigmoid", "binary_crossentropy"), (3, 3, "softmax", "sparse_categorical_crossentropy")])
def test_the_loss_follows_the_number_of_classes_and_the_model_trains_on_integer_labels(classes, units, activation,
                                                                                         loss):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    compiled = compile_model(model, 0.01, classes)
    assert compiled is model and model.loss == loss
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.01)
    features = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    labels = np.arange(8) % classes  # integer class labels, as the pipelines give them
    history = model.fit(features, labels, epochs=1, verbose=0)
    assert "accuracy" in history.history and np.isfinite(history.history["loss"][0])
