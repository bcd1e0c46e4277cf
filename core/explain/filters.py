"""Learned filters: the weights of a convolution layer, and the same layer untrained.

A Conv2D kernel has shape (kernel height, kernel width, input channels,
filters). The first layer of a photo model sees 3 input channels (red, green,
blue), so each of its filters can be drawn as a tiny colour image; deeper
filters have one small grayscale grid per input channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.models.layers import find_layer

#: How filter weights become 0..1 brightness for drawing.
NORMALISATIONS = {
    "per_filter": "each filter stretched on its own (shows every filter's pattern)",
    "layer": "one scale for the whole layer (shows which filters have large weights)",
}


@dataclass(frozen=True)
class LayerFilters:
    """The weights of one convolution layer."""

    layer: str
    kernel: np.ndarray  # (kernel height, kernel width, input channels, filters)
    bias: np.ndarray | None  # (filters,), or None when the layer has no bias
    trained: bool  # False for a freshly initialised copy
    frozen: bool = False  # True when training does not change the layer (a pretrained base)
    fine_tuned: bool = False  # trained here, but starting from a pretrained base's weights (a nested base's layer)

    @property
    def filter_count(self) -> int:
        return int(self.kernel.shape[3])

    @property
    def input_channels(self) -> int:
        return int(self.kernel.shape[2])

    @property
    def kernel_size(self) -> tuple[int, int]:
        return int(self.kernel.shape[0]), int(self.kernel.shape[1])


def _conv_layer(model: keras.Model, layer: str) -> keras.layers.Layer:
    found = find_layer(model, layer)
    if type(found) is not keras.layers.Conv2D:
        raise ValueError(f"{layer!r} is a {type(found).__name__}, not a Conv2D layer: it has no filters to show.")
    return found


def get_filters(model: keras.Model, layer: str) -> LayerFilters:
    """The trained kernel and bias of the Conv2D layer at ``layer``."""
    conv = _conv_layer(model, layer)
    kernel = keras.ops.convert_to_numpy(conv.kernel).astype(np.float32)
    bias = keras.ops.convert_to_numpy(conv.bias).astype(np.float32) if conv.use_bias else None
    trained_here = _is_trained_here(model, layer)
    # Only a pretrained base is nested in the app's models, so a trained layer inside one was fine-tuned.
    return LayerFilters(layer=layer, kernel=kernel, bias=bias, trained=True, frozen=not trained_here,
                        fine_tuned=trained_here and "/" in layer)


def _is_trained_here(model: keras.Model, layer: str) -> bool:
    """False when the layer, or a nested model holding it, is frozen."""
    container: keras.layers.Layer = model
    for part in layer.split("/"):
        container = container.get_layer(part)
        if not container.trainable:
            return False
    return True


def _seeded(initializer_config, seed: int):
    # Keras stores initialisers as {"class_name", "config": {..., "seed"}}; a
    # fixed seed makes the "untrained" picture the same on every rerun.
    if isinstance(initializer_config, dict) and isinstance(initializer_config.get("config"), dict):
        config = dict(initializer_config)
        config["config"] = {**initializer_config["config"]}
        if "seed" in config["config"]:
            config["config"]["seed"] = seed
        return config
    return initializer_config


def untrained_filters(model: keras.Model, layer: str, seed: int = 0) -> LayerFilters:
    """The same layer as it was before training: built from its config with fresh weights.

    Keras starts Conv2D kernels with Glorot-uniform random numbers and biases at zero.
    """
    conv = _conv_layer(model, layer)
    config = conv.get_config()
    config["kernel_initializer"] = _seeded(config.get("kernel_initializer"), seed)
    config["bias_initializer"] = _seeded(config.get("bias_initializer"), seed + 1)
    config["name"] = f"{conv.name}_untrained"
    fresh = keras.layers.Conv2D.from_config(config)
    fresh.build((None, None, None, int(conv.kernel.shape[2])))
    kernel = keras.ops.convert_to_numpy(fresh.kernel).astype(np.float32)
    bias = keras.ops.convert_to_numpy(fresh.bias).astype(np.float32) if fresh.use_bias else None
    return LayerFilters(layer=layer, kernel=kernel, bias=bias, trained=False)


def _stretch(values: np.ndarray, axes: tuple[int, ...] | None) -> np.ndarray:
    """Map ``values`` linearly to 0..1 over ``axes`` (None: over everything)."""
    low = values.min(axis=axes, keepdims=axes is not None)
    high = values.max(axis=axes, keepdims=axes is not None)
    span = np.where(high > low, high - low, 1.0)
    # A constant filter (all weights equal) is drawn mid-grey rather than black.
    return np.where(high > low, (values - low) / span, 0.5).astype(np.float32)


def filters_as_rgb(kernel: np.ndarray, normalisation: str = "per_filter") -> np.ndarray:
    """First-layer filters as (filters, kh, kw, 3) RGB images in 0..1.

    ``"per_filter"`` stretches each filter's 27 weights to 0..1 on its own;
    ``"layer"`` uses the smallest and largest weight of the whole layer.
    """
    if kernel.ndim != 4 or kernel.shape[2] != 3:
        raise ValueError(f"Colour pictures need a kernel with 3 input channels, got shape {kernel.shape}.")
    if normalisation not in NORMALISATIONS:
        raise ValueError(f"Unknown normalisation {normalisation!r}; choose one of {', '.join(NORMALISATIONS)}.")
    images = np.transpose(kernel, (3, 0, 1, 2))  # filters first
    return _stretch(images, (1, 2, 3) if normalisation == "per_filter" else None)


def channel_grid(kernel: np.ndarray, filters: int = 8, channels: int = 8) -> np.ndarray:
    """The first ``filters`` × ``channels`` kernel slices as (filters, channels, kh, kw) raw weights."""
    if kernel.ndim != 4:
        raise ValueError(f"Expected a (kh, kw, in, out) kernel, got shape {kernel.shape}.")
    if filters < 1 or channels < 1:
        raise ValueError("Show at least one filter and one channel.")
    chosen = kernel[:, :, :channels, :filters]
    return np.transpose(chosen, (3, 2, 0, 1)).astype(np.float32)


def filter_channels(kernel: np.ndarray, filter_index: int) -> np.ndarray:
    """One filter's slices, one per input channel: (input channels, kh, kw) raw weights."""
    if not 0 <= filter_index < kernel.shape[3]:
        raise ValueError(f"Filter {filter_index + 1} does not exist; the layer has {kernel.shape[3]} filters "
                         "(counted from 1).")
    return np.transpose(kernel[:, :, :, filter_index], (2, 0, 1)).astype(np.float32)


@dataclass(frozen=True)
class FilterSummary:
    """Numbers that show what training changed."""

    weight_mean: float
    weight_std: float
    weight_min: float
    weight_max: float
    bias_mean: float | None
    bias_nonzero: int | None


def summarise(filters: LayerFilters) -> FilterSummary:
    bias = filters.bias
    return FilterSummary(
        weight_mean=float(filters.kernel.mean()),
        weight_std=float(filters.kernel.std()),
        weight_min=float(filters.kernel.min()),
        weight_max=float(filters.kernel.max()),
        bias_mean=None if bias is None else float(bias.mean()),
        bias_nonzero=None if bias is None else int(np.count_nonzero(bias)),
    )
