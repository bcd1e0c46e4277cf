"""Captions under the feature maps, Grad-CAM heat maps and filter patterns."""

from __future__ import annotations

import numpy as np

from core.explain.activation_max import ActivationMaximisation
from core.explain.captions import (
    dead_maps_note,
    gradcam_caption,
    gradcam_title,
    layers_overview_table,
    map_option,
    maps_heading,
    pattern_caption,
)
from core.explain.feature_maps import FeatureMaps


def feature_maps(dead: int = 0) -> FeatureMaps:
    activations = np.ones((6, 4, 5), np.float32)
    activations[..., :dead] = 0.0
    return FeatureMaps(layer="conv2", kind="convolution", activations=activations)


def test_heading_gives_count_size_and_shape():
    assert maps_heading(feature_maps()) == "conv2: 5 maps of 6×4 (6×4×5)"


def test_dead_maps_are_counted_only_when_there_are_some():
    assert dead_maps_note(feature_maps()) is None
    assert dead_maps_note(feature_maps(dead=2)).startswith("2 of 5 maps are zero everywhere for this photo")


def test_map_options_mark_the_strongest():
    means = np.array([0.5, 0.12345, 0.9])
    assert map_option(2, means, strongest=2) == "map 2 · mean 0.9000 · strongest"
    assert map_option(1, means, strongest=2) == "map 1 · mean 0.1235"


def test_the_overview_table_has_one_row_per_layer():
    pooled = FeatureMaps(layer="pool2", kind="pooling", activations=np.full((3, 2, 5), 0.5, np.float32))
    assert layers_overview_table([feature_maps(), pooled]) == {
        "layer": ["conv2", "pool2"],
        "kind": ["convolution", "pooling"],
        "feature maps (height×width×maps)": ["6×4×5", "3×2×5"],
        "mean activation": [1.0, 0.5],
    }


def test_gradcam_titles_and_captions():
    assert gradcam_title("dog", True, 0.9731) == "Grad-CAM for dog (predicted, 97.3%)"
    assert gradcam_title("cat", False, 0.00002) == "Grad-CAM for cat (other class, under 0.1%)"
    assert gradcam_caption("conv4", (15, 15), (150, 150), empty=False) == (
        "conv4: a 15×15 map stretched to 150×150. ")
    assert gradcam_caption("conv4", (15, 15), (150, 150), empty=True).endswith(
        "Nothing in this layer supports this class: the map is empty.")


def test_the_pattern_caption_gives_the_start_and_final_response():
    pattern = ActivationMaximisation(layer="conv1", channel=3, image=np.zeros((4, 4, 3), np.float32),
                                     history=(0.125, 0.5, 2.25), objective="mean response of the filter", steps=2)
    assert pattern_caption(pattern) == (
        "Maximised: the mean response of the filter, from +0.1250 to +2.2500. Contrast stretched for display.")
