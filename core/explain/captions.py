"""The sentences under the inside page's pictures: feature maps, Grad-CAM heat maps and filter patterns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.explain.activation_max import ActivationMaximisation
from core.explain.feature_maps import FeatureMaps
from core.prediction.answers import format_probability


def maps_heading(maps: FeatureMaps) -> str:
    """'conv1: 32 maps of 148×148 (148×148×32)'."""
    height, width, channels = maps.shape
    return f"{maps.layer}: {channels} maps of {height}×{width} ({maps.label})"


def dead_maps_note(maps: FeatureMaps) -> str | None:
    """How many maps stayed zero for this photo, or None when every map found something."""
    if not maps.dead_channels:
        return None
    return (f"{maps.dead_channels} of {maps.shape[2]} maps are zero everywhere for this photo: "
            "their filter found nothing (ReLU turned every negative sum into 0).")


def map_option(channel: int, means: np.ndarray, strongest: int) -> str:
    """How a map is listed in the map picker: 'map 7 · mean 0.1234 · strongest'."""
    return f"map {channel} · mean {means[channel]:.4f}" + (" · strongest" if channel == strongest else "")


def layers_overview_table(all_maps: Sequence[FeatureMaps]) -> dict[str, list]:
    """One row per layer: its name, kind, map shape and mean activation for this photo."""
    return {
        "layer": [maps.layer for maps in all_maps],
        "kind": [maps.kind for maps in all_maps],
        "feature maps (height×width×maps)": [maps.label for maps in all_maps],
        "mean activation": [float(maps.activations.mean()) for maps in all_maps],
    }


def gradcam_title(class_name: str, predicted: bool, probability: float) -> str:
    """'Grad-CAM for dog (predicted, 97.3%)'."""
    role = "predicted" if predicted else "other class"
    return f"Grad-CAM for {class_name} ({role}, {format_probability(probability)})"


def gradcam_caption(layer: str, heatmap_shape: Sequence[int], input_size: Sequence[int], empty: bool) -> str:
    """Where the heat map comes from and how much it was stretched; says so when it is empty."""
    caption = (f"{layer}: a {heatmap_shape[0]}×{heatmap_shape[1]} map stretched to "
               f"{input_size[0]}×{input_size[1]}. ")
    return caption + ("Nothing in this layer supports this class: the map is empty." if empty else "")


def pattern_caption(pattern: ActivationMaximisation) -> str:
    """What the gradient ascent maximised, and how far it got."""
    return (f"Maximised: the {pattern.objective}, from {pattern.start_activation:+.4f} to "
            f"{pattern.final_activation:+.4f}. Contrast stretched for display.")
