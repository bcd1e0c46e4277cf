"""core/models/probe.py: one pass that reads layers inside nested models, with the logit before the sigmoid."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.models import architectures
from core.models.probe import get_probe, model_input
from tests.support.explain_models import nested_pair, photo


def test_probe_reaches_inside_nested_models():
    keras.utils.set_random_seed(3)
    outer, flat = nested_pair()
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


def test_model_input_resizes_a_photo_into_a_batch_of_one():
    model = architectures.tiny(image_size=32)
    batch = model_input(model, photo(40, 50))
    assert batch.shape == (1, 32, 32, 3)


def test_model_input_refuses_what_is_not_an_rgb_photo():
    model = architectures.tiny()
    with pytest.raises(ValueError, match="RGB photo"):
        model_input(model, np.zeros((10, 10), np.uint8))
