"""core/explain/feature_maps.py: known filters give known maps, and the shapes match the models."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.explain import feature_maps
from core.models import architectures, registry
from core.models import layers as model_layers
from tests.support.explain_models import photo
from tests.support.requirements import require

CLASSIC_SHAPES = {
    "conv1": (148, 148, 32), "pool1": (74, 74, 32), "conv2": (72, 72, 64), "pool2": (36, 36, 64),
    "conv3": (34, 34, 128), "pool3": (17, 17, 128), "conv4": (15, 15, 128), "pool4": (7, 7, 128),
}


@pytest.fixture(scope="module")

def known_tiny():
    """tiny() with conv1 filter 0 = "the red value", filter 1 = a vertical edge on green, biases known."""
    keras.utils.set_random_seed(2)
    model = architectures.tiny(image_size=32)
    kernel = np.zeros((3, 3, 3, 4), np.float32)
    kernel[1, 1, 0, 0] = 1.0
    kernel[:, 0, 1, 1], kernel[:, 2, 1, 1] = -1.0, 1.0
    kernel[..., 2] = 0.05
    kernel[..., 3] = -0.05
    bias = np.array([0.0, -0.1, 0.0, 0.02], np.float32)
    model.get_layer("conv1").set_weights([kernel, bias])
    return model


def test_a_known_filter_gives_a_known_map(known_tiny):
    pixels = photo()
    maps = {m.layer: m for m in feature_maps.compute_feature_maps(known_tiny, pixels)}
    assert [m for m in maps] == ["conv1", "pool1", "conv2", "pool2"]
    scaled = pixels.astype(np.float32) / 255.0
    # Filter 0 copies the red channel (valid padding drops the 1-pixel border).
    np.testing.assert_allclose(maps["conv1"].activations[..., 0], scaled[1:-1, 1:-1, 0], atol=1e-6)
    # Filter 1: right column minus left column of green, minus 0.1, then ReLU.
    green = scaled[..., 1]
    edge = sum(green[r:r + 30, 2:32] - green[r:r + 30, 0:30] for r in range(3)) - 0.1
    np.testing.assert_allclose(maps["conv1"].activations[..., 1], np.maximum(edge, 0), atol=1e-5)
    # Filter 3 is negative everywhere on a 0..1 photo: the map is all zero (a "dead" map).
    assert not maps["conv1"].activations[..., 3].any() and maps["conv1"].dead_channels == 1
    # Max pooling keeps the largest value of each 2×2 block.
    conv = maps["conv1"].activations
    expected_pool = conv[:30, :30].reshape(15, 2, 15, 2, 4).max(axis=(1, 3))
    np.testing.assert_allclose(maps["pool1"].activations, expected_pool, atol=1e-6)


def test_maps_are_ordered_by_mean_activation(known_tiny):
    maps = feature_maps.compute_feature_maps(known_tiny, photo(), ["conv1"])[0]
    means = maps.activations.mean(axis=(0, 1))  # worked out here, not taken from FeatureMaps
    np.testing.assert_allclose(maps.channel_means, means, rtol=1e-6)
    assert list(maps.order) == list(np.argsort(-means, kind="stable"))
    assert list(means[maps.order]) == sorted(means, reverse=True)
    assert maps.label == "30×30×4" and maps.kind == "convolution"


def test_classic_feature_map_shapes_match_the_model():
    model = architectures.classic()
    assert feature_maps.reported_shapes(model) == CLASSIC_SHAPES
    maps = feature_maps.compute_feature_maps(model, photo(200, 300))
    assert {m.layer: m.shape for m in maps} == CLASSIC_SHAPES
    assert [m.label for m in maps][:2] == ["148×148×32", "74×74×32"]


@pytest.mark.slow

def test_shipped_classic_feature_map_shapes():
    infos = {info.name: info for info in registry.list_models() if info.available}
    require("classic" in infos, "The shipped models/classic")
    model = registry.load_model("classic")
    reported = feature_maps.reported_shapes(model)
    assert reported == CLASSIC_SHAPES
    maps = feature_maps.compute_feature_maps(model, photo(120, 180))
    assert {m.layer: m.shape for m in maps} == reported


def test_transfer_architecture_feature_maps_without_imagenet_weights():
    model = architectures.transfer(image_size=96, weights=None)
    paths = model_layers.feature_layer_paths(model)
    base_name = model.layers[2].name
    assert paths[0] == f"{base_name}/conv1" and paths[-1] == "head/head_conv"
    maps = feature_maps.compute_feature_maps(model, photo(64, 64), [paths[0], paths[-1]])
    assert [m.shape for m in maps] == [feature_maps.reported_shapes(model, [paths[0]])[paths[0]], (3, 3, 128)]
