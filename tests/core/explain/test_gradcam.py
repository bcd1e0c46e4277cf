"""core/explain/gradcam.py: exact expectations on hand-built models, nested models, and the transfer architecture."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.explain import feature_maps, gradcam
from core.models import architectures, probe
from tests.support.explain_models import SIZE, left_half_model, nested_pair, photo


def test_a_model_that_sees_only_the_left_half_looks_only_there():
    model = left_half_model()
    result = gradcam.explain(model, photo(SIZE, SIZE), class_index=1, layer="conv")
    assert result.values.shape == (SIZE, SIZE)
    # Columns 0..7 are seen; the 3×3 kernel reaches one column further (8); beyond that, exactly zero.
    assert np.all(result.details["cam"][:, SIZE // 2 + 1:] == 0.0)
    assert np.all(result.values[:, : SIZE // 2 - 1] > 0.0)
    assert result.values.max() == pytest.approx(1.0)
    # The other class (weights pointing the other way) finds no support anywhere.
    other = gradcam.explain(model, photo(SIZE, SIZE), class_index=0, layer="conv", class_names=("cats", "dogs"))
    assert other.is_empty and not other.values.any()
    assert other.caption.startswith("Grad-CAM for cat: nothing in the photo speaks for this class")
    assert result.caption.startswith("Grad-CAM for class 2: the heat sits at the left of the photo")


def test_gradcam_equals_the_class_activation_map_for_average_pooling():
    """With global average pooling and a dense layer, Grad-CAM is exactly relu(Σ w_k A_k) / (h·w)."""
    model = left_half_model()
    pixels = photo(SIZE, SIZE, seed=3)
    result = gradcam.explain(model, pixels, class_index=1, layer="conv")
    activations = feature_maps.compute_feature_maps(model, pixels, ["conv"])[0].activations
    dense = model.get_layer("output").get_weights()[0][:, 0]
    expected = np.maximum(activations @ dense, 0) / (SIZE * SIZE)
    np.testing.assert_allclose(result.details["channel_weights"], dense / (SIZE * SIZE), rtol=1e-5)
    np.testing.assert_allclose(result.details["cam"], expected, rtol=1e-4, atol=1e-7)


def test_scores_are_logits_and_probabilities_match_the_model():
    model = left_half_model()
    pixels = photo(SIZE, SIZE, seed=4)
    probability = float(model(probe.model_input(model, pixels), training=False)[0, 0])
    dog = gradcam.explain(model, pixels, class_index=1, layer="conv")
    cat = gradcam.explain(model, pixels, class_index=0, layer="conv")
    assert dog.score == pytest.approx(np.log(probability / (1 - probability)), abs=1e-4)
    assert cat.score == pytest.approx(-dog.score)
    assert dog.probability == pytest.approx(probability, abs=1e-6)
    assert cat.probability == pytest.approx(1 - probability, abs=1e-6)
    assert dog.predicted_class == cat.predicted_class == int(probability > 0.5)
    default = gradcam.explain(model, pixels, layer="conv")
    assert default.class_index == default.predicted_class


def test_nested_model_gradcam_equals_the_flat_model():
    keras.utils.set_random_seed(8)
    outer, flat = nested_pair()
    pixels = photo(24, 24, seed=9)
    for nested_layer, flat_layer in (("base/base_relu", "base_relu"), ("head/head_conv", "head_conv")):
        nested = gradcam.explain(outer, pixels, class_index=1, layer=nested_layer)
        plain = gradcam.explain(flat, pixels, class_index=1, layer=flat_layer)
        np.testing.assert_allclose(nested.details["cam"], plain.details["cam"], rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(nested.details["channel_weights"], plain.details["channel_weights"],
                                   rtol=1e-4, atol=1e-7)
        assert nested.score == pytest.approx(plain.score, abs=1e-5)
    assert gradcam.default_gradcam_layer(outer) == "head/head_conv"


def test_layer_choices_and_defaults():
    classic = architectures.classic()
    assert gradcam.gradcam_layer_paths(classic) == [
        "conv1", "pool1", "conv2", "pool2", "conv3", "pool3", "conv4", "pool4"]
    assert gradcam.default_gradcam_layer(classic) == "conv4"
    assert gradcam.explain(classic, photo(100, 120)).values.shape == (15, 15)
    with pytest.raises(ValueError, match="Class 2 does not exist"):
        gradcam.explain(classic, photo(), class_index=2)


def test_transfer_architecture_gradcam_inside_the_nested_base():
    """The common failure case: the last conv activation lives inside a nested MobileNet."""
    model = architectures.transfer(image_size=96, weights=None)
    base_name = model.layers[2].name
    inner = f"{base_name}/conv_pw_13_relu"
    assert inner in gradcam.gradcam_layer_paths(model)
    assert gradcam.default_gradcam_layer(model) == "head/head_conv"
    pixels = photo(80, 90)
    dog_probability = float(keras.ops.convert_to_numpy(model(probe.model_input(model, pixels), training=False))[0, 0])
    for layer in (inner, "head/head_conv"):
        result = gradcam.explain(model, pixels, layer=layer)
        assert result.values.shape == (3, 3)
        assert np.isfinite(result.values).all() and 0.0 <= result.values.min() <= result.values.max() <= 1.0
        expected = dog_probability if result.class_index == 1 else 1 - dog_probability
        assert result.probability == pytest.approx(expected, abs=1e-5)


@pytest.mark.slow
def test_transfer_with_real_imagenet_weights(mobilenet_weights):
    model = architectures.transfer(weights=str(mobilenet_weights))
    from core.imaging.decode import decode_image
    from core.imaging.demo import demo_photo_bytes

    pixels = decode_image(demo_photo_bytes()).pixels
    layer = f"{model.layers[2].name}/conv_pw_13_relu"
    result = gradcam.explain(model, pixels, layer=layer)
    assert result.values.shape == (12, 12) and not result.is_empty  # 384 px / 32


def test_upsample_and_overlay():
    heatmap = np.array([[0.0, 1.0], [0.5, 0.25]], np.float32)
    large = gradcam.upsample(heatmap, (20, 30))
    assert large.shape == (20, 30) and 0.0 <= large.min() and large.max() <= 1.0
    pixels = photo(20, 30)
    np.testing.assert_array_equal(gradcam.overlay(pixels, heatmap, 0.0), pixels)
    full = gradcam.overlay(pixels, np.ones((2, 2), np.float32), 1.0)
    assert full.dtype == np.uint8 and np.all(full == full[0, 0])  # one colour: the top of viridis
    with pytest.raises(ValueError, match="Opacity"):
        gradcam.overlay(pixels, heatmap, 1.5)
    with pytest.raises(ValueError, match="2-D heat map"):
        gradcam.upsample(np.zeros((2, 2, 2)), (4, 4))
