"""Feature maps, probes on nested models, and the drill-down arithmetic."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from core.explain import drill_down, feature_maps
from core.explain.probe import get_probe, model_input
from core.models import architectures, registry
from core.models import layers as model_layers

CLASSIC_SHAPES = {
    "conv1": (148, 148, 32), "pool1": (74, 74, 32), "conv2": (72, 72, 64), "pool2": (36, 36, 64),
    "conv3": (34, 34, 128), "pool3": (17, 17, 128), "conv4": (15, 15, 128), "pool4": (7, 7, 128),
}


def photo(height: int = 32, width: int = 32, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3)).astype(np.uint8)


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
    means = maps.channel_means
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
    if "classic" not in infos:
        pytest.skip("models/classic is not shipped yet")
    model = registry.load_model("classic")
    reported = feature_maps.reported_shapes(model)
    assert reported == CLASSIC_SHAPES
    maps = feature_maps.compute_feature_maps(model, photo(120, 180))
    assert {m.layer: m.shape for m in maps} == reported


def nested_pair():
    """The same weights as a flat model and as an outer model with a nested base and a nested head."""
    base_input = keras.Input((24, 24, 3), name="base_in")
    x = layers.Conv2D(4, 3, name="base_conv")(base_input)
    x = layers.ReLU(name="base_relu")(x)
    x = layers.MaxPooling2D(2, name="base_pool")(x)
    base = keras.Model(base_input, x, name="base")
    head_input = keras.Input(base.output.shape[1:], name="features")
    y = layers.Conv2D(5, 3, padding="same", activation="relu", name="head_conv")(head_input)
    y = layers.GlobalAveragePooling2D(name="gap")(y)
    y = layers.Dense(1, activation="sigmoid", name="output")(y)
    head = keras.Model(head_input, y, name="head")
    pixels = keras.Input((24, 24, 3), name="pixels")
    outer = keras.Model(pixels, head(base(layers.Rescaling(1 / 255, name="rescale")(pixels))), name="nested")
    flat_in = keras.Input((24, 24, 3))
    z = layers.Rescaling(1 / 255)(flat_in)
    for layer in (base.get_layer("base_conv"), base.get_layer("base_relu"), base.get_layer("base_pool"),
                  head.get_layer("head_conv"), head.get_layer("gap"), head.get_layer("output")):
        z = layer.__class__.from_config(layer.get_config())(z)
    flat = keras.Model(flat_in, z, name="flat")
    weights = [w for layer in (base, head) for w in layer.get_weights()]
    flat.set_weights(weights)
    return outer, flat


def test_probe_reaches_inside_nested_models():
    keras.utils.set_random_seed(3)
    outer, flat = nested_pair()
    assert model_layers.feature_layer_paths(outer) == ["base/base_conv", "base/base_pool", "head/head_conv"]
    batch = model_input(outer, photo(24, 24))
    probe = get_probe(outer, outputs=["base/base_relu", "head/head_conv"], inputs=["head/head_conv"])
    result = probe(batch)
    flat_result = get_probe(flat, outputs=["base_relu", "head_conv"])(batch)  # same layer names, flat
    np.testing.assert_allclose(result.outputs["base/base_relu"], flat_result.outputs["base_relu"], atol=1e-6)
    np.testing.assert_allclose(result.outputs["head/head_conv"], flat_result.outputs["head_conv"], atol=1e-6)
    np.testing.assert_allclose(result.inputs["head/head_conv"].shape, (1, 11, 11, 4))
    # The probe's probability is the model's, and its logit is the score before the sigmoid.
    np.testing.assert_allclose(result.probabilities, outer(batch, training=False), atol=1e-6)
    np.testing.assert_allclose(keras.ops.sigmoid(result.logits), result.probabilities, atol=1e-6)
    assert probe.final_layer is outer.get_layer("head").get_layer("output")
    assert get_probe(outer, outputs=["base/base_relu", "head/head_conv"], inputs=["head/head_conv"]) is probe


def test_transfer_architecture_feature_maps_without_imagenet_weights():
    model = architectures.transfer(image_size=96, weights=None)
    paths = model_layers.feature_layer_paths(model)
    base_name = model.layers[2].name
    assert paths[0] == f"{base_name}/conv1" and paths[-1] == "head/head_conv"
    maps = feature_maps.compute_feature_maps(model, photo(64, 64), [paths[0], paths[-1]])
    assert [m.shape for m in maps] == [feature_maps.reported_shapes(model, [paths[0]])[paths[0]], (3, 3, 128)]


def test_drill_down_matches_the_model_on_classic():
    keras.utils.set_random_seed(4)
    model = architectures.classic()
    pixels = photo(160, 160, seed=5)
    conv1 = drill_down.drill_down(model, pixels, "conv1", 10, 20, 3)
    assert conv1.window.shape == (3, 3, 3) and conv1.matches
    # conv1's input is the rescaled photo: the window holds pixels / 255.
    resized = model_input(model, pixels)[0] / 255.0
    np.testing.assert_allclose(conv1.window, resized[10:13, 20:23], atol=1e-6)
    _, produced = feature_maps.layer_input_output(model, pixels, "conv2")
    row, column, channel = np.unravel_index(int(np.argmax(produced)), produced.shape)
    conv2 = drill_down.drill_down(model, pixels, "conv2", int(row), int(column), int(channel))
    assert conv2.window.shape == (3, 3, 32) and conv2.activation == "relu"
    assert conv2.model_value > 0 and conv2.matches
    assert conv2.pre_activation == pytest.approx(conv2.weighted_sum + conv2.bias)
    pool = drill_down.drill_down(model, pixels, "pool2", 5, 6, 7)
    assert pool.window.shape == (2, 2) and pool.operation == "max" and pool.matches
    assert (pool.input_top, pool.input_left) == (10, 12)


def test_drill_down_with_same_padding_and_stride_two():
    keras.utils.set_random_seed(6)
    inputs = keras.Input((9, 9, 3))
    outputs = layers.Conv2D(3, 3, strides=2, padding="same", activation="relu", name="conv")(inputs)
    outputs = layers.MaxPooling2D(2, padding="same", name="pool")(outputs)
    model = keras.Model(inputs, outputs)
    values = np.random.default_rng(7).normal(size=(9, 9, 3)).astype(np.float32)
    received, produced = feature_maps.layer_input_output(model, values, "conv")
    assert produced.shape == (5, 5, 3)
    for row in range(5):
        for column in range(5):
            result = drill_down.conv_arithmetic(model.get_layer("conv"), received, produced, row, column, 1)
            assert result.matches, (row, column, result.recomputed, result.model_value)
    pool_in, pool_out = feature_maps.layer_input_output(model, values, "pool")
    corner = drill_down.pool_arithmetic(model.get_layer("pool"), pool_in, pool_out, 2, 2, 0)
    assert corner.matches and np.isnan(corner.window).sum() == 3  # only one real value at the padded corner


def test_clear_errors():
    model = architectures.tiny()
    with pytest.raises(ValueError, match="No layer 'nope'"):
        model_layers.find_layer(model, "nope")
    with pytest.raises(ValueError, match="is a layer, not a model"):
        model_layers.find_layer(model, "conv1/inner")
    with pytest.raises(ValueError, match="RGB photo"):
        model_input(model, np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError, match="outside"):
        drill_down.drill_down(model, photo(), "conv1", 30, 0, 0)
    with pytest.raises(ValueError, match="plain Conv2D"):
        received, produced = feature_maps.layer_input_output(model, photo(), "pool1")
        drill_down.conv_arithmetic(model.get_layer("pool1"), received, produced, 0, 0, 0)
