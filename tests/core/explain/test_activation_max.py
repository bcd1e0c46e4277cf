"""core/explain/activation_max.py: a filter that wants red and hates green gets a red picture; a filter with no
pattern to find (MobileNet's zero-weight conv1 filters) is said to have none."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.explain import activation_max
from core.explain.captions import pattern_caption
from core.models import architectures, registry
from core.models.layers import conv_layer_paths, find_layer


@pytest.fixture(scope="module")
def red_filter_model():
    keras.utils.set_random_seed(10)
    model = architectures.tiny(image_size=32)
    kernel = np.zeros((3, 3, 3, 4), np.float32)
    kernel[:, :, 0, 0] = 1.0  # filter 0: red up ...
    kernel[:, :, 1, 0] = -1.0  # ... green down
    kernel[:, :, 2, 1] = 1.0  # filter 1: blue
    model.get_layer("conv1").set_weights([kernel, np.array([-5.0, 0.0, 0.0, 0.0], np.float32)])
    return model


def test_the_pattern_matches_the_filter(red_filter_model):
    result = activation_max.maximise_activation(red_filter_model, "conv1", 0, steps=25)
    red, green, blue = (result.image[..., channel].mean() for channel in range(3))
    assert red > 0.8 and green < 0.2 and abs(blue - 0.5) < 0.1
    # Filter 0 starts silent (bias -5: ReLU gives 0 on gray noise) yet still climbs,
    # because the response is taken before the ReLU.
    assert result.start_activation < 0 < result.final_activation
    assert len(result.history) == 26 and result.image.shape == (32, 32, 3)
    assert 0.0 <= result.image.min() and result.image.max() <= 1.0
    assert result.objective == "mean of the filter's raw sums over the picture, before its ReLU"
    assert result.found_pattern and not result.silent
    shown = result.display_image()
    assert shown.dtype == np.uint8 and shown.shape == (32, 32, 3)


def test_other_filter_and_deeper_layers(red_filter_model):
    blue = activation_max.maximise_activation(red_filter_model, "conv1", 1, steps=20)
    assert blue.image[..., 2].mean() > blue.image[..., 0].mean() + 0.3
    deeper = activation_max.maximise_activation(red_filter_model, "conv2", 3, steps=10)
    assert deeper.final_activation > deeper.start_activation
    pooled = activation_max.maximise_activation(red_filter_model, "pool1", 1, steps=5)
    assert "feature map" in pooled.objective


def test_seeded_and_repeatable(red_filter_model):
    first = activation_max.maximise_activation(red_filter_model, "conv2", 1, steps=6, seed=3)
    second = activation_max.maximise_activation(red_filter_model, "conv2", 1, steps=6, seed=3)
    np.testing.assert_array_equal(first.image, second.image)


def test_bad_requests(red_filter_model):
    with pytest.raises(ValueError, match="Filter 5 does not exist"):
        activation_max.maximise_activation(red_filter_model, "conv1", 4)
    with pytest.raises(ValueError, match="at least one step"):
        activation_max.maximise_activation(red_filter_model, "conv1", 0, steps=0)
    with pytest.raises(ValueError, match="no feature maps"):
        activation_max.maximise_activation(red_filter_model, "output", 0)


def test_a_filter_whose_weights_are_all_zero_has_no_pattern(red_filter_model):
    # Filters 2 and 3 of the fixture's conv1 have all-zero weights (filter 2 a zero bias, filter 3 bias 0).
    result = activation_max.maximise_activation(red_filter_model, "conv1", 2, steps=10)
    assert result.silent and not result.found_pattern
    assert result.start_activation == result.final_activation == 0.0
    caption = pattern_caption(result)
    assert caption.startswith("No pattern found for this filter: every weight of filter 3 is (nearly) zero")
    assert "0.0000" not in caption and "from 0 to 0" in caption


def _first_conv_objective(model, path: str, channel: int, image: np.ndarray) -> float:
    """The mean raw sum of one filter, computed apart from the code under test: the model's own layers up to the
    first convolution (the top model's rescaling, then the nested convolution itself), on ``image`` in 0..1."""
    inner_name, _, conv_name = path.rpartition("/")
    # Both models rescale 0..255 first (classic to 0..1, transfer to −1..1).
    pixels = model.get_layer("rescale")(image[None].astype(np.float32) * 255.0)
    conv = model.get_layer(inner_name).get_layer(conv_name) if inner_name else model.get_layer(conv_name)
    kernel = keras.ops.convert_to_numpy(conv.kernel)[..., channel:channel + 1]
    sums = keras.ops.conv(pixels, kernel, strides=conv.strides, padding=conv.padding)
    if conv.use_bias:
        sums = sums + keras.ops.convert_to_numpy(conv.bias)[channel]
    return float(keras.ops.convert_to_numpy(sums).mean())


@pytest.mark.parametrize("name", ["transfer", "classic"])
def test_every_pattern_shown_on_the_first_layer_raised_its_filter_clearly(name, request):
    """Issue #26 item 9: transfer's conv1 read 'from -0.0000 to -0.0000' and showed noise as a pattern."""
    if name == "transfer":
        request.getfixturevalue("mobilenet_weights")
    model = registry.load_model(name)
    path = conv_layer_paths(model)[0]
    kernel = np.abs(keras.ops.convert_to_numpy(find_layer(model, path).kernel))
    grey = np.full((*model.input_shape[1:3], 3), 0.5, np.float32)  # the noise the search starts from, averaged
    shown = 0
    for channel in range(min(8, kernel.shape[-1])):
        result = activation_max.maximise_activation(model, path, channel, steps=20)
        caption = pattern_caption(result)
        assert "-0.0000" not in caption and "−0.0000" not in caption, caption
        # Weights under a thousandth of the layer's largest: a filter that reacts to nothing.
        weightless = kernel[..., channel].max() < 1e-3 * kernel.max()
        assert result.silent == weightless
        if not result.found_pattern:
            assert caption.startswith("No pattern found for this filter: "), caption
            continue
        shown += 1
        start = _first_conv_objective(model, path, channel, grey)
        final = _first_conv_objective(model, path, channel, result.image)
        assert final == pytest.approx(result.final_activation, rel=1e-3, abs=1e-3)
        assert final - start > 0.1, (channel, start, final)
        assert caption.startswith("Maximised: ")
    assert shown >= 4  # most filters of a trained first layer do respond to something
