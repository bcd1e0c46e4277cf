"""What each layer makes of a photo: feature maps, and the arithmetic behind one value.

A *probe* is a Keras model that runs the real network once and returns the
tensors asked for: a layer's output, a layer's input, and the final score
before the sigmoid/softmax (the logit, which Grad-CAM and saliency need).
Layers are named by *paths*: ``"conv1"`` for a layer of the model itself,
``"mobilenet_0.25_224/conv_pw_13_relu"`` or ``"head/head_conv"`` for a layer
inside a nested model (the transfer model wraps a whole MobileNet as one layer,
which is where most Grad-CAM tools break).

Probes are built once per (model, request) and cached; they are always called
with ``training=False`` so dropout and batch norm behave as in prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from core.models.layers import feature_layer_paths, find_layer, layer_kind
from core.models.probe import get_probe, model_input


def shape_label(shape: Sequence[int]) -> str:
    """``(148, 148, 32)`` -> ``"148×148×32"``."""
    return "×".join(str(int(v)) for v in shape)


@dataclass(frozen=True)
class FeatureMaps:
    """The activations of one layer for one photo."""

    layer: str  # path
    kind: str  # "convolution" or "pooling"
    activations: np.ndarray  # (height, width, channels) float32

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(int(v) for v in self.activations.shape)

    @property
    def label(self) -> str:
        return shape_label(self.shape)

    @property
    def channel_means(self) -> np.ndarray:
        return self.activations.mean(axis=(0, 1))

    @property
    def order(self) -> np.ndarray:
        """Channel indices, strongest mean activation first (ties keep channel order)."""
        return np.argsort(-self.channel_means, kind="stable")

    @property
    def dead_channels(self) -> int:
        """Maps that are zero everywhere for this photo (after ReLU, nothing fired)."""
        return int(np.sum(np.all(self.activations == 0, axis=(0, 1))))


def reported_shapes(model: keras.Model, layers: Sequence[str] | None = None) -> dict[str, tuple[int, ...]]:
    """Each layer's output shape as the model itself reports it (without the batch axis)."""
    layers = feature_layer_paths(model) if layers is None else layers
    return {path: tuple(int(v) for v in find_layer(model, path).output.shape[1:]) for path in layers}


def compute_feature_maps(
    model: keras.Model, pixels: np.ndarray, layers: Sequence[str] | None = None
) -> list[FeatureMaps]:
    """The feature maps of ``layers`` (default: every conv and pooling layer) for one photo."""
    layers = feature_layer_paths(model) if layers is None else list(layers)
    if not layers:
        raise ValueError(f"{model.name!r} has no convolution or pooling layers.")
    probe = get_probe(model, outputs=layers)
    result = probe(model_input(model, pixels))
    maps = []
    for path in layers:
        activations = keras.ops.convert_to_numpy(result.outputs[path])[0].astype(np.float32, copy=False)
        maps.append(FeatureMaps(layer=path, kind=layer_kind(find_layer(model, path)), activations=activations))
    return maps


def layer_input_output(model: keras.Model, pixels: np.ndarray, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """What ``layer`` received and what it produced for one photo, as (H, W, C) arrays."""
    probe = get_probe(model, outputs=[layer], inputs=[layer])
    result = probe(model_input(model, pixels))
    received = keras.ops.convert_to_numpy(result.inputs[layer])[0]
    produced = keras.ops.convert_to_numpy(result.outputs[layer])[0]
    return received.astype(np.float32, copy=False), produced.astype(np.float32, copy=False)
