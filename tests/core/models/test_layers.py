"""core/models/layers.py: finding and walking layers, nested models included."""

from __future__ import annotations

import keras
import pytest

from core.models import architectures
from core.models import layers as model_layers
from tests.support.explain_models import nested_pair


def test_paths_reach_inside_nested_models():
    outer, _ = nested_pair()
    assert model_layers.feature_layer_paths(outer) == ["base/base_conv", "base/base_pool", "head/head_conv"]
    assert model_layers.conv_layer_paths(outer) == ["base/base_conv", "head/head_conv"]
    assert [path for path, _ in model_layers.walk_layers(outer)] == [
        "rescale", "base/base_conv", "base/base_relu", "base/base_pool", "head/head_conv", "head/gap", "head/output"]
    assert model_layers.find_layer(outer, "head/head_conv") is outer.get_layer("head").get_layer("head_conv")
    assert model_layers.find_layer(outer, "base") is outer.get_layer("base")


def test_classic_layer_paths_and_kinds():
    model = architectures.classic()
    assert model_layers.conv_layer_paths(model) == ["conv1", "conv2", "conv3", "conv4"]
    assert model_layers.feature_layer_paths(model) == [
        "conv1", "pool1", "conv2", "pool2", "conv3", "pool3", "conv4", "pool4"]
    assert model_layers.layer_kind(model.get_layer("conv1")) == "convolution"
    assert model_layers.layer_kind(model.get_layer("pool1")) == "pooling"
    assert model_layers.layer_kind(model.get_layer("dense")) == "Dense"


def test_depthwise_convolutions_can_be_left_out():
    base = architectures.mobilenet_base(96, weights=None)
    everything = model_layers.conv_layer_paths(base)
    plain = model_layers.conv_layer_paths(base, include_depthwise=False)
    # MobileNet: one plain 3×3 convolution, then 13 depthwise + pointwise (1×1 Conv2D) pairs.
    assert len(everything) == 27 and len(plain) == 14
    assert plain[0] == "conv1" and all(path.startswith("conv_pw_") for path in plain[1:])
    assert isinstance(model_layers.find_layer(base, "conv_dw_1"), keras.layers.DepthwiseConv2D)


def test_clear_errors():
    model = architectures.tiny()
    with pytest.raises(ValueError, match="No layer 'nope'"):
        model_layers.find_layer(model, "nope")
    with pytest.raises(ValueError, match="is a layer, not a model"):
        model_layers.find_layer(model, "conv1/inner")
