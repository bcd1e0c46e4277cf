"""Prediction on the cached, shared models, batch by batch.

One function serves the app, the training page, live training, evaluation and
the scripts: it checks the input shape, runs ``model(x, training=False)`` on
batches (traced once per model into a TensorFlow graph), and returns class
probabilities. Streamlit serves every browser session from threads of one
process: the tracing is guarded by a lock, the traced graph is safe to share.
"""

from __future__ import annotations

import threading
import weakref

import keras
import numpy as np

from core.models.outputs import class_count

#: Photos per model call: large enough to use both cores, small enough for a phone photo batch.
BATCH_SIZE = 64

# Keras models are not guaranteed thread-safe while a trace builds their graph.
_PREDICT_LOCK = threading.Lock()
_INFERENCE_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """Model outputs as (N, C) probabilities: a sigmoid p becomes [1 - p, p]."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.shape[-1] == 1:
        return np.concatenate([1.0 - outputs, outputs], axis=-1)
    return outputs


def predict_probabilities(model: keras.Model, pixels: np.ndarray, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """(N, C) class probabilities for (N, H, W, 3) RGB pixels in 0..255 (or one (H, W, 3) photo)."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 3:
        pixels = pixels[None]
    expected = tuple(model.input_shape[1:3])
    if pixels.ndim != 4 or pixels.shape[-1] != 3 or tuple(pixels.shape[1:3]) != expected:
        raise ValueError(f"Expected a batch of {expected[0]}×{expected[1]} RGB images, got shape {pixels.shape}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if len(pixels) == 0:
        return np.zeros((0, class_count(model.output_shape[-1])), np.float64)
    outputs = [_run(model, pixels[start:start + batch_size].astype(np.float32))
               for start in range(0, len(pixels), batch_size)]
    return class_probabilities(np.concatenate(outputs, axis=0))


def _run(model: keras.Model, batch: np.ndarray) -> np.ndarray:
    if keras.backend.backend() != "tensorflow":  # training on a GPU machine under JAX or PyTorch
        return keras.ops.convert_to_numpy(model(batch, training=False))
    # The traced graph runs outside the lock: TensorFlow releases the GIL while it computes, so
    # two sessions' predictions overlap instead of queueing.
    return _inference_function(model)(batch).numpy()


def _inference_function(model: keras.Model):
    """``model(x, training=False)`` traced once into one graph per model, for any batch size.

    Calling a Keras model eagerly re-dispatches every layer in Python (about
    30 ms for `classic` on a laptop CPU); the traced graph does the same
    arithmetic in a few milliseconds. Tracing builds the model's graph, which
    is not safe from two threads at once: it happens once, under the lock.
    """
    function = _INFERENCE_FUNCTIONS.get(model)
    if function is not None:
        return function
    import tensorflow as tf

    with _PREDICT_LOCK:
        function = _INFERENCE_FUNCTIONS.get(model)
        if function is None:
            signature = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
            function = tf.function(lambda x: model(x, training=False)).get_concrete_function(signature)
            _INFERENCE_FUNCTIONS[model] = function
    return function
