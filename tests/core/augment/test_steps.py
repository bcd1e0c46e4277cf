"""The augmentation steps read back from the Keras layers, and the seeded preview of them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core.augment.settings import NONE, TRAINING, TUTORIAL, AugmentationSettings
from core.augment.steps import (
    augmentation_preview,
    augmentation_samples,
    augmentation_steps,
    contrast_range,
    contrast_sentence,
    steps_table,
)
from harness.photo_files import make_photo_bytes


def test_tutorial_settings_map_to_the_keras_layers():
    steps = {step.layer_name: step for step in augmentation_steps(TUTORIAL)}
    assert list(steps) == ["flip", "rotation", "shift", "shear", "zoom"]
    assert {step.layer_type for step in steps.values()} == {"RandomAffine (geometry)"}
    assert steps["rotation"].settings.startswith("angle from −40° to +40°")
    assert steps["shift"].settings.startswith("up to ±0.2 of the width")
    assert steps["zoom"].settings.startswith("scale factor from 0.8 to 1.2")
    for name in ("rotation", "shift", "shear", "zoom"):
        assert steps[name].settings.endswith("fill_mode='nearest'")
    training = {step.layer_name: step for step in augmentation_steps(TRAINING)}
    assert list(training) == ["flip", "rotation", "shift", "zoom", "contrast"]
    assert training["rotation"].settings.startswith("angle from −15° to +15°")
    assert training["contrast"].layer_type == "RandomLighting (lighting)"
    assert contrast_range(TRAINING) == (pytest.approx(0.9), pytest.approx(1.1))
    assert contrast_range(TUTORIAL) is None
    assert augmentation_steps(NONE) == []
    bright = augmentation_steps(AugmentationSettings(brightness_fraction=0.2))
    assert bright[0].layer_name == "brightness" and "±51" in bright[0].settings


def test_augmentation_samples_are_seeded_random_versions():
    pixels = np.asarray(Image.open(io.BytesIO(make_photo_bytes(90, 60, fmt="PNG"))).convert("RGB"))
    first = augmentation_samples(pixels, TUTORIAL, count=8, seed=1, size=64)
    assert first.shape == (8, 64, 64, 3) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, augmentation_samples(pixels, TUTORIAL, count=8, seed=1, size=64))
    assert not np.array_equal(first, augmentation_samples(pixels, TUTORIAL, count=8, seed=2, size=64))
    assert len({version.tobytes() for version in first}) == 8  # every version differs
    original = augmentation_samples(pixels, NONE, count=3, size=64)
    assert all(np.array_equal(version, original[0]) for version in original)
    flips = augmentation_samples(pixels, AugmentationSettings(horizontal_flip=True), count=16, seed=0,
                                               size=64)
    mirrored = original[0][:, ::-1]
    assert all(np.array_equal(v, original[0]) or np.array_equal(v, mirrored) for v in flips)
    assert any(np.array_equal(v, mirrored) for v in flips) and any(np.array_equal(v, original[0]) for v in flips)
    with pytest.raises(ValueError):
        augmentation_samples(pixels, TUTORIAL, count=0)



def test_contrast_sentence_and_steps_table():
    assert contrast_sentence(TRAINING) == "The contrast is multiplied by a random factor from 0.90 to 1.10."
    assert contrast_sentence(TUTORIAL) == ""
    table = steps_table(augmentation_steps(TRAINING))
    assert list(table) == ["change", "Keras layer", "range"]
    assert table["change"] == ["flip", "rotation", "shift", "zoom", "contrast"]
    assert table["Keras layer"][-1] == "RandomLighting (lighting)"
    assert table["range"][0] == "mirror left-right with probability 0.5"
    assert steps_table([]) == {"change": [], "Keras layer": [], "range": []}


def test_the_preview_carries_its_images_steps_and_caption():
    pixels = np.asarray(Image.open(io.BytesIO(make_photo_bytes(90, 60, fmt="PNG"))).convert("RGB"))
    preview = augmentation_preview(pixels, TUTORIAL, count=4, seed=2, size=32)
    assert preview.images.shape == (4, 32, 32, 3)
    np.testing.assert_array_equal(preview.images, augmentation_samples(pixels, TUTORIAL, count=4, seed=2, size=32))
    assert [step.layer_name for step in preview.steps] == ["flip", "rotation", "shift", "shear", "zoom"]
    assert preview.caption == "4 random versions at 32×32 (seed 2)."
    assert augmentation_preview(pixels, NONE, count=8).caption == "8 random versions at 160×160 (seed 0)."
    assert augmentation_preview(pixels, NONE, count=8).steps == ()


def test_the_preview_size_is_said_next_to_the_real_training_sizes():
    from core.augment.steps import preview_size_sentence

    text = preview_size_sentence({"compact": 150, "classic": 150, "augmented": 160}, preview_size=160)
    assert text.startswith("The versions are drawn at 160×160 pixels")
    assert "(150×150 for classic and compact; 160×160 for augmented)" in text
    assert preview_size_sentence({}, preview_size=160) == ("The versions are drawn at 160×160 pixels so that four "
                                                           "fit in a row.")
