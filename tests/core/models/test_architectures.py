"""core/models/architectures.py: every architecture builds, with the documented shapes and parameter counts."""

import keras
import numpy as np
import pytest

from core.models import architectures
from core.models.weights import MOBILENET_WEIGHTS_ENV, resolve_mobilenet_weights


@pytest.mark.parametrize(
    "name, parameters",
    [("classic", 3_453_121), ("baseline", 2_710_785), ("augmented", 2_710_785), ("normalized", 2_711_425),
     ("compact", 1_175_393), ("tiny", 417)],
)
def test_parameter_counts(name, parameters):
    model = architectures.build(name)
    assert model.count_params() == parameters


def test_classic_shapes_match_valid_padding_arithmetic():
    model = architectures.classic()
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    assert shapes["conv1"] == (148, 148, 32)
    assert shapes["pool1"] == (74, 74, 32)
    assert shapes["conv2"] == (72, 72, 64)
    assert shapes["pool2"] == (36, 36, 64)
    assert shapes["conv3"] == (34, 34, 128)
    assert shapes["pool3"] == (17, 17, 128)
    assert shapes["conv4"] == (15, 15, 128)
    assert shapes["pool4"] == (7, 7, 128)
    assert shapes["flatten"] == (6272,)
    assert model.get_layer("dense").count_params() == 6272 * 512 + 512 == 3_211_776


@pytest.mark.parametrize("name", ["classic", "baseline", "normalized", "compact", "tiny"])
def test_output_is_a_probability_per_photo(name):
    model = architectures.build(name)
    size = architectures.DEFAULT_IMAGE_SIZE[name]
    pixels = np.random.default_rng(0).uniform(0, 255, (2, size, size, 3)).astype("float32")
    outputs = keras.ops.convert_to_numpy(model(pixels, training=False))
    assert outputs.shape == (2, 1)
    assert np.all((outputs >= 0) & (outputs <= 1))


def test_many_classes_use_softmax():
    model = architectures.build("tiny", num_classes=5)
    outputs = keras.ops.convert_to_numpy(model(np.zeros((3, 32, 32, 3), "float32"), training=False))
    assert outputs.shape == (3, 5)
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=1e-5)


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="at least 2 classes"):
        architectures.build("tiny", num_classes=1)


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="Unknown architecture 'vgg'"):
        architectures.build("vgg")


def test_transfer_keeps_the_base_frozen_without_downloading():
    base = architectures.mobilenet_base(96, weights=None)
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    model = architectures.assemble_transfer(base, head, 96)
    assert model.output_shape == (None, 1)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    # Only the head trains: a 3×3 convolution from MobileNet's 256 channels to 128, then one unit.
    assert trainable == head.count_params() == (3 * 3 * 256 * 128 + 128) + (128 + 1) == 295_169
    assert [layer.name for layer in head.layers] == ["features", "head_conv", "global_pool", "dropout", "output"]
    # MobileNet(alpha=0.25) without its top has 218,544 weights, as published.
    assert base.count_params() == 218_544


def test_weights_setting_is_resolved_from_environment(monkeypatch, tmp_path):
    weights_file = tmp_path / "weights.h5"
    monkeypatch.setenv(MOBILENET_WEIGHTS_ENV, str(weights_file))
    assert resolve_mobilenet_weights() == str(weights_file)
    assert resolve_mobilenet_weights("imagenet") == "imagenet"
