"""Grad-CAM: which parts of the photo pushed the model towards a class.

For a chosen layer with spatial feature maps A_k (one per channel k), Grad-CAM
takes the gradient of the class score with respect to every value of A_k,
averages it over the map to get one weight per channel, and adds up the maps
with those weights; ReLU keeps only the places that speak *for* the class.

The class score is :func:`core.explain.scores.class_score`, the logit: the
probability saturates near 0 and 1, where its gradient would vanish.

Works on nested models (a MobileNet base inside the classifier) because the
gradient model comes from :mod:`core.models.probe`, whose probes re-wire the
outer layers around a sub-model of the base.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import keras
import numpy as np
import tensorflow as tf

from core.explain.heat_map import HeatMap, chosen_class, class_label, where_sentence
from core.explain.scores import class_score, probabilities_from_logits
from core.models.layers import CONV_TYPES, POOL_TYPES, find_layer, walk_layers
from core.models.probe import get_probe, model_input

#: Layers whose outputs still have a spatial layout Grad-CAM can use.
SPATIAL_TYPES = CONV_TYPES + POOL_TYPES + (keras.layers.ReLU, keras.layers.Activation)


def gradcam_layer_paths(model: keras.Model) -> list[str]:
    """Layers Grad-CAM can explain: convolutions, their activations and pooling, in call order."""
    return [
        path for path, layer in walk_layers(model)
        if isinstance(layer, SPATIAL_TYPES) and len(layer.output.shape) == 4
    ]


def default_gradcam_layer(model: keras.Model) -> str:
    """The last layer that still has a spatial map (the usual Grad-CAM choice), pooling excluded."""
    candidates = [path for path in gradcam_layer_paths(model) if not isinstance(find_layer(model, path), POOL_TYPES)]
    if not candidates:
        raise ValueError(f"{model.name!r} has no convolution layer to explain.")
    return candidates[-1]


NAME = "Grad-CAM"


def explain(model: keras.Model, pixels: np.ndarray, class_index: int | None = None, *, layer: str | None = None,
            class_names: Sequence[str] | None = None) -> HeatMap:
    """Grad-CAM of ``layer`` (default: the last conv layer) for ``class_index`` (default: the predicted class).

    ``values`` is the map at the layer's resolution, divided by its maximum (all zero if nothing supports the
    class); ``details`` holds the layer, the map before that division (``cam``) and the mean gradient per
    feature map (``channel_weights``).
    """
    layer = layer or default_gradcam_layer(model)
    probe = get_probe(model, outputs=[layer])
    if len(probe.keras_model.outputs[0].shape) != 4:
        raise ValueError(f"{layer!r} has no spatial map (output shape {probe.keras_model.outputs[0].shape}).")
    batch = tf.convert_to_tensor(model_input(model, pixels))
    with tf.GradientTape() as tape:
        result = probe(batch)
        activations = result.outputs[layer]
        logits = result.logits
        probabilities = probabilities_from_logits(keras.ops.convert_to_numpy(logits))[0]
        predicted, chosen = chosen_class(probabilities, class_index)
        score = class_score(logits, chosen)
    gradients = tape.gradient(score, activations)
    if gradients is None:
        raise ValueError(f"The class score does not depend on {layer!r}, so Grad-CAM is undefined there.")
    activations_np = keras.ops.convert_to_numpy(activations)[0].astype(np.float64)
    gradients_np = keras.ops.convert_to_numpy(gradients)[0].astype(np.float64)
    weights = gradients_np.mean(axis=(0, 1))
    cam = np.maximum(np.tensordot(activations_np, weights, axes=([2], [0])), 0.0)
    peak = cam.max()
    values = (cam / peak if peak > 0 else np.zeros_like(cam)).astype(np.float32)
    height, width = (int(side) for side in model.input_shape[1:3])
    caption = (f"{where_sentence(NAME, class_label(class_names, chosen), values)} It comes from {layer}: a "
               f"{values.shape[0]}×{values.shape[1]} map stretched to {height}×{width}.")
    return HeatMap(
        technique=NAME, class_index=chosen, values=values, caption=caption,
        score=float(keras.ops.convert_to_numpy(score)[0]), probability=float(probabilities[chosen]),
        predicted_class=predicted,
        details={"layer": layer, "cam": cam.astype(np.float32), "channel_weights": weights.astype(np.float32)},
    )


def upsample(heatmap: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Stretch a heat map to ``size`` = (height, width) with bilinear interpolation, kept in 0..1."""
    if heatmap.ndim != 2:
        raise ValueError(f"Expected a 2-D heat map, got shape {heatmap.shape}.")
    height, width = int(size[0]), int(size[1])
    resized = cv2.resize(heatmap.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(resized, 0.0, 1.0)


def overlay(pixels: np.ndarray, heatmap: np.ndarray, opacity: float = 0.5) -> np.ndarray:
    """The photo with a viridis-coloured heat map blended on top, as uint8 RGB.

    ``heatmap`` (0..1) is resized to the photo; ``opacity`` 0 shows only the photo.
    """
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f"Opacity must be between 0 and 1, got {opacity}.")
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"Expected an (height, width, 3) RGB photo, got shape {pixels.shape}.")
    resized = upsample(heatmap, pixels.shape[:2])
    coloured = cv2.applyColorMap(np.round(resized * 255).astype(np.uint8), cv2.COLORMAP_VIRIDIS)
    coloured = cv2.cvtColor(coloured, cv2.COLOR_BGR2RGB).astype(np.float32)
    blended = (1.0 - opacity) * pixels.astype(np.float32) + opacity * coloured
    return np.clip(np.round(blended), 0, 255).astype(np.uint8)
