"""Sentences about a model's layers: what a layer receives, and which layer's filters stand in for it."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from core.explain.feature_maps import shape_label
from core.models.layers import POOL_TYPES, find_layer, layer_kind, walk_layers


def layer_option(model: keras.Model, path: str, shape: Sequence[int]) -> str:
    """How a layer is listed in the layer picker: 'conv1 · convolution · 148×148×32'."""
    return f"{path} · {layer_kind(find_layer(model, path))} · {shape_label(shape)}"


def filter_layer_for(path: str, layer_paths: Sequence[str], conv_paths: Sequence[str]) -> str:
    """The Conv2D layer whose filters made ``path``'s maps: itself, or the last one before it."""
    if not conv_paths:
        raise ValueError("The model has no Conv2D layer, so no layer has filters to show.")
    if path not in layer_paths:
        raise ValueError(f"{path!r} is not one of the feature layers ({', '.join(layer_paths)}).")
    position = layer_paths.index(path)
    earlier = [candidate for candidate in conv_paths if layer_paths.index(candidate) <= position]
    return earlier[-1] if earlier else conv_paths[0]


def no_filters_reason(model: keras.Model, path: str) -> str:
    """Why a layer's own filters are not shown (a pooling or a depthwise layer)."""
    if isinstance(find_layer(model, path), POOL_TYPES):
        return f"**{path}** has no filters of its own: pooling only picks values."
    return (f"**{path}** is a depthwise convolution (one small filter per input map), which this view "
            "does not draw.")


def _rescaling_formula(rescaling: keras.layers.Rescaling) -> str:
    """'pixel ÷ 255' or 'pixel × 0.5 − 1': the model's own scaling of the pixels, in words."""
    scale, offset = float(rescaling.scale), float(rescaling.offset)
    formula = f"pixel ÷ {1 / scale:g}" if scale > 0 else f"pixel × {scale:g}"
    if offset:
        formula += f" {'+' if offset >= 0 else '−'} {abs(offset):g}"
    return formula


def input_description(model: keras.Model, path: str, first_conv: str) -> str:
    """What ``path`` receives, in words (markdown).

    The first convolution (``first_conv``) gets the photo as the model rescaled
    it; every other layer gets the maps of the layer before it.
    """
    walked = list(walk_layers(model))
    paths = [walked_path for walked_path, _ in walked]
    if path not in paths:
        raise ValueError(f"No layer {path!r} in {model.name!r}.")
    position = paths.index(path)
    previous = paths[position - 1] if position > 0 else "the input"
    if path != first_conv:
        return f"the maps made by **{previous}**"
    rescaling = next((layer for _, layer in walked if isinstance(layer, keras.layers.Rescaling)), None)
    if rescaling is None:
        return f"what **{previous}** passed on"
    # A layer between the rescaling and the convolution (padding, say) is named too.
    passed_on = "" if previous.endswith(rescaling.name) else f", passed on by **{previous}**"
    return f"the photo rescaled by the model ({_rescaling_formula(rescaling)}){passed_on}"


def border_note(first_conv: keras.layers.Layer, input_side: int, output_side: int) -> str | None:
    """Why the first maps are smaller than the photo, for a plain 3×3 'valid' convolution; else None."""
    if not (first_conv.padding == "valid" and tuple(first_conv.kernel_size) == (3, 3)
            and tuple(first_conv.strides) == (1, 1)):
        return None
    return (f"A 3×3 convolution without padding has no full window at the edges, so it loses a "
            f"1-pixel border ({input_side} → {output_side}); a 2×2 pooling halves the size, "
            "rounding down (an odd row or column at the edge is dropped).")


def stand_in_note(model, layer: str, conv_layer: str, verb: str = "Showing") -> str | None:
    """Why another layer's filters stand in for ``layer`` (None when it has its own)."""
    if conv_layer == layer:
        return None
    return (f"{no_filters_reason(model, layer)} {verb} **{conv_layer}**, the last ordinary convolution up to "
            "this layer.")
