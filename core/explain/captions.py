"""The sentences under the inside page's pictures: feature maps, Grad-CAM heat maps and filter patterns."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from core.arithmetic.numbers import format_number
from core.explain.activation_max import ActivationMaximisation
from core.explain.feature_maps import FeatureMaps
from core.explain.gradcam import default_gradcam_layer
from core.explain.numbering import shown_number
from core.models.layers import CONV_TYPES, SEPARATOR, find_layer
from core.wording.percent import probability_percent


def maps_heading(maps: FeatureMaps) -> str:
    """'conv1: 32 maps of 148×148 (148×148×32)'."""
    height, width, channels = maps.shape
    return f"{maps.layer}: {channels} maps of {height}×{width} ({maps.label})"


def dead_maps_note(maps: FeatureMaps, after_relu: bool = True) -> str | None:
    """How many maps stayed zero for this photo, or None when every map found something.

    ``after_relu``: whether a ReLU has acted on the shown maps (only then is
    "ReLU turned every negative sum into 0" the reason).
    """
    if not maps.dead_channels:
        return None
    reason = ("their filter found nothing (ReLU turned every negative sum into 0)." if after_relu else
              "every sum of their filter came out exactly 0.")
    return f"{maps.dead_channels} of {maps.shape[2]} maps are zero everywhere for this photo: {reason}"


def map_option(channel: int, means: np.ndarray, strongest: int) -> str:
    """How a map is listed in the map picker: 'map 8 · mean 0.1234 · strongest' for the map at index 7."""
    return f"map {shown_number(channel)} · mean {means[channel]:.4f}" + (" · strongest" if channel == strongest else "")


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
    return f"Grad-CAM for {class_name} ({role}, {probability_percent(probability, decimals=1)})"


def pattern_caption(pattern: ActivationMaximisation) -> str:
    """What the gradient ascent maximised and how far it got, or, plainly, that it found no pattern."""
    change = f"from {format_number(pattern.start_activation)} to {format_number(pattern.final_activation)}"
    tried = f"The search tried to raise the {pattern.objective}."
    if pattern.silent:
        return (f"No pattern found for this filter: every weight of filter {shown_number(pattern.channel)} is "
                f"(nearly) zero (the largest is {pattern.filter_weight:.1e}, against "
                f"{format_number(pattern.layer_weight, 2)} in this layer), so its response hardly depends on the "
                f"picture (the search took it {change}). {tried}")
    if not pattern.rose:
        if pattern.rise <= 0:
            how = f"did not raise its response ({change})"
        elif pattern.reach:
            how = (f"raised its response only {change}, a sliver of the {format_number(pattern.reach, 2)} two "
                   "pictures can make it differ by")
        else:
            how = f"raised its response only {change}"
        return f"No pattern found for this filter: gradient ascent {how}, so the picture would only be noise. {tried}"
    text = f"Maximised: the {pattern.objective}, {change}."
    colour = pattern.plain_colour()
    if colour is None:
        return text + " Contrast stretched for display."
    red, green, blue = (round(100 * value) for value in colour)
    return (text + f" The search ended on one plain colour (red {red}%, green {green}%, blue {blue}%), not a "
            "shape: it raised the response by changing the colour, not by drawing a pattern.")


def gradcam_source_sentence(model: keras.Model, layer: str) -> str:
    """Which layer the heat maps come from: its name, what it is, where it sits and its output size."""
    found = find_layer(model, layer)
    height, width, channels = (int(value) for value in found.output.shape[1:4])
    if isinstance(found, CONV_TYPES):
        kernel = "×".join(str(int(side)) for side in found.kernel_size)
        what = f"a {kernel} {'depthwise ' if isinstance(found, keras.layers.DepthwiseConv2D) else ''}convolution"
    else:
        what = f"a {type(found).__name__} layer"
    if SEPARATOR in layer:
        what += f" inside the nested model **{layer.split(SEPARATOR)[0]}**"
    text = (f"The heat maps come from **{layer}**, {what}: its output is {height}×{width}×{channels} "
            f"({channels} maps of {height}×{width}), so each heat-map cell covers about "
            f"{int(model.input_shape[1]) // height}×{int(model.input_shape[2]) // width} photo pixels.")
    if layer == default_gradcam_layer(model):
        text += " It is the default: the last layer of the model whose output still has a picture-like layout."
    return text
