"""One traced call per model that returns its logits and the pooled features the "neither" score reads.

The features come from the same run as the prediction, so the score costs a
few matrix products on top of it, not a second pass through the network.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import keras
import numpy as np

from core.models.layers import POOL_TYPES, walk_layers
from core.models.probe import Probe

#: The feature layers' names: the input of the final Dense layer, and a nested base's globally pooled output.
FINAL_INPUT = "final dense input"
BASE_POOLED = "base pooled"
#: A from-scratch model's every pooling block, averaged over the photo per channel (and, with std, how much it varies):
#: colour and texture statistics that a cup or a face changes even where the last layer's two clouds overlap.
BLOCKS_MEAN = "pooling blocks mean"
BLOCKS_MEAN_STD = "pooling blocks mean+std"
#: A nested base's output averaged and spread per channel, and the same for its middle: the last layer at twice the
#: output's resolution (MobileNet's block 11), whose more general features tell other animals from cats and dogs.
BASE_POOLED_STD = "base pooled mean+std"
BASE_MIDDLE_STD = "base middle mean+std"

_LOCK = threading.Lock()
_EXTRACTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _final_dense_path(model: keras.Model) -> str:
    dense = [path for path, layer in walk_layers(model) if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ValueError(f"{model.name!r} has no Dense layer whose input could serve as its features.")
    return dense[-1]


def _base_path(model: keras.Model) -> str | None:
    """The first nested model with 4-D output (a transfer model's convolutional base), if any."""
    for layer in model.layers:
        if isinstance(layer, keras.Model) and len(layer.output.shape) == 4:
            return layer.name
    return None


def _middle_path(model: keras.Model, base_path: str) -> str | None:
    """The nested base's last layer whose maps are twice as large as its output's (None if it has none)."""
    base = model.get_layer(base_path)
    height = base.output.shape[1]
    if height is None:
        return None
    middle = None
    for layer in base.layers:
        shape = getattr(layer, "output", None)
        shape = None if shape is None else shape.shape
        if shape is not None and len(shape) == 4 and shape[1] == 2 * height:
            middle = f"{base_path}/{layer.name}"
    return middle


def _pooling_paths(model: keras.Model) -> tuple[str, ...]:
    """The model's own (top-level) pooling layers, for a model without a nested base."""
    if _base_path(model) is not None:
        return ()
    return tuple(layer.name for layer in model.layers if isinstance(layer, POOL_TYPES))


@dataclass(frozen=True)
class Features:
    """One batch's logits (N, units) and its features by layer name (N, d)."""

    logits: np.ndarray
    by_layer: dict[str, np.ndarray]


class FeatureExtractor:
    """Runs the model once per batch, returning logits and every feature layer (traced under TensorFlow)."""

    def __init__(self, model: keras.Model):
        self.final_path = _final_dense_path(model)
        self.base_path = _base_path(model)
        self.pooling_paths = _pooling_paths(model)
        self.middle_path = _middle_path(model, self.base_path) if self.base_path else None
        outputs = ((self.base_path,) + ((self.middle_path,) if self.middle_path else ())) if self.base_path \
            else self.pooling_paths
        self.probe = Probe(model, outputs=outputs, inputs=(self.final_path,))
        self.final_layer = self.probe.final_layer
        self.input_size = self.probe.input_size
        self._function = self._reduced
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            # One trace for any batch size; the traced graph is then safe to run from many sessions at once.
            signature = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
            self._function = tf.function(self._reduced).get_concrete_function(signature)

    def _reduced(self, batch):
        """The probe's tensors, with each feature map pooled to its per-channel mean and spread inside the graph.

        Pooling here rather than in NumPy keeps a 75×75×32 map from being copied out for two numbers per channel.
        """
        results = list(self.probe.keras_model(batch, training=False))
        maps = len(self.probe.output_paths)
        pooled = []
        for tensor in results[:maps]:
            pooled += [keras.ops.mean(tensor, axis=(1, 2)), keras.ops.std(tensor, axis=(1, 2))]
        return [*pooled, *results[maps:]]

    def __call__(self, batch: np.ndarray) -> Features:
        batch = np.asarray(batch, dtype=np.float32)
        if batch.ndim != 4 or tuple(batch.shape[1:3]) != self.input_size:
            raise ValueError(f"Expected a batch of {self.input_size[0]}×{self.input_size[1]} photos, "
                             f"got shape {batch.shape}.")
        # Outside the lock: TensorFlow releases the GIL while it computes, so students' photos overlap.
        results = [keras.ops.convert_to_numpy(tensor) for tensor in self._function(batch)]
        by_layer = {}
        maps = len(self.probe.output_paths)
        means, spreads = results[0:2 * maps:2], results[1:2 * maps:2]
        position = 2 * maps
        if self.base_path:
            by_layer[BASE_POOLED] = means[0]  # global average pooling, as the tutorials do
            by_layer[BASE_POOLED_STD] = np.concatenate([means[0], spreads[0]], axis=1)
            if self.middle_path:
                by_layer[BASE_MIDDLE_STD] = np.concatenate([means[1], spreads[1]], axis=1)
        if self.pooling_paths:
            by_layer[BLOCKS_MEAN] = np.concatenate(means, axis=1)
            by_layer[BLOCKS_MEAN_STD] = np.concatenate([*means, *spreads], axis=1)
        final_input = results[position].reshape(len(batch), -1)
        by_layer[FINAL_INPUT] = final_input
        if self.final_layer is not None:
            kernel = keras.ops.convert_to_numpy(self.final_layer.kernel)
            logits = final_input @ kernel
            if self.final_layer.use_bias:
                logits = logits + keras.ops.convert_to_numpy(self.final_layer.bias)
        else:
            probabilities = np.clip(results[-1].astype(np.float64), 1e-7, 1 - 1e-7)
            logits = (np.log(probabilities / (1 - probabilities)) if probabilities.shape[-1] == 1
                      else np.log(probabilities))
        return Features(np.asarray(logits, dtype=np.float64), by_layer)


def feature_extractor(model: keras.Model) -> FeatureExtractor:
    """The extractor for ``model``, built on first use and reused (the trace is the slow part)."""
    extractor = _EXTRACTORS.get(model)
    if extractor is not None:
        return extractor
    with _LOCK:  # building the probe and tracing it are not safe from two threads at once
        extractor = _EXTRACTORS.get(model)
        if extractor is None:
            extractor = FeatureExtractor(model)
            _EXTRACTORS[model] = extractor
    return extractor
