"""Captions under the feature maps, Grad-CAM heat maps and filter patterns."""

from __future__ import annotations

import numpy as np

from core.explain.activation_max import ActivationMaximisation
from core.explain.captions import (
    dead_maps_note,
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
    assert map_option(2, means, strongest=2) == "map 3 · mean 0.9000 · strongest"  # counted from 1
    assert map_option(1, means, strongest=2) == "map 2 · mean 0.1235"


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


def test_the_pattern_caption_gives_the_start_and_final_response():
    stripes = np.zeros((4, 4, 3), np.float32)
    stripes[:, ::2] = 1.0  # a shape, not one plain colour
    pattern = ActivationMaximisation(layer="conv1", channel=3, image=stripes,
                                     history=(0.125, 0.5, 2.25), objective="mean response of the filter", steps=2)
    assert pattern_caption(pattern) == (
        "Maximised: the mean response of the filter, from 0.125 to 2.25. Contrast stretched for display.")


def test_dead_maps_blame_relu_only_when_a_relu_acted_on_them():
    import numpy as np

    from core.explain.feature_maps import FeatureMaps

    maps = FeatureMaps("conv1_1", "convolution", np.zeros((4, 4, 2), np.float32))
    assert "ReLU turned" in dead_maps_note(maps)
    raw = dead_maps_note(maps, after_relu=False)
    assert raw == "2 of 2 maps are zero everywhere for this photo: every sum of their filter came out exactly 0."


def test_gradcam_names_the_layer_its_kind_place_and_output_size():
    import keras
    from keras import layers

    from core.explain.captions import gradcam_source_sentence

    features = keras.Input((4, 4, 8), name="features")
    head_output = layers.Dense(1, activation="sigmoid", name="output")(
        layers.GlobalAveragePooling2D()(layers.Conv2D(6, 3, padding="same", name="head_conv")(features)))
    head = keras.Model(features, head_output, name="head")
    pixels = keras.Input((16, 16, 3))
    model = keras.Model(pixels, head(layers.Conv2D(8, 3, strides=4, padding="same", name="stem")(pixels)))
    text = gradcam_source_sentence(model, "head/head_conv")
    assert text.startswith("The heat maps come from **head/head_conv**, a 3×3 convolution inside the nested "
                           "model **head**: its output is 4×4×6 (6 maps of 4×4)")
    assert "covers about 4×4 photo pixels" in text and "It is the default" in text
    assert "It is the default" not in gradcam_source_sentence(model, "stem")
