"""core/augment/settings.py: the presets the models were trained with, and settings refused clearly."""

from __future__ import annotations

import pytest

from core.augment.layers import RandomAffine, RandomLighting, build_augmentation
from core.augment.settings import NONE, PRESETS, TRAINING, TUTORIAL, AugmentationSettings


@pytest.mark.parametrize("settings, message", [
    (AugmentationSettings(zoom_fraction=1.0), "zoom_fraction"),
    (AugmentationSettings(rotation_degrees=-5), "rotation_degrees"),
    (AugmentationSettings(rotation_degrees=200), "at most 180"),
    (AugmentationSettings(contrast_fraction=1.5), "contrast_fraction"),
    (AugmentationSettings(rotation_degrees=5, fill_mode="smear"), "fill_mode"),
])
def test_bad_settings_are_refused_clearly(settings, message):
    with pytest.raises(ValueError, match=message):
        build_augmentation(settings)


def test_no_change_builds_no_layer():
    assert build_augmentation(NONE).layers == []



def test_only_a_setting_with_no_change_is_the_identity():
    assert NONE.is_identity() and AugmentationSettings(fill_mode="reflect").is_identity()
    assert not AugmentationSettings(brightness_fraction=0.1).is_identity()
    assert not AugmentationSettings(horizontal_flip=True).is_identity()
    assert not TRAINING.is_identity()


def test_presets_build_the_layers_they_name():
    assert list(PRESETS) == ["none", "flip_rotate", "training", "tutorial"]
    tutorial = build_augmentation(TUTORIAL, seed=0).layers
    assert [type(layer) for layer in tutorial] == [RandomAffine]  # the tutorial changes no lighting
    training = build_augmentation(TRAINING, seed=0).layers
    assert [type(layer) for layer in training] == [RandomAffine, RandomLighting]
    assert training[0].rotation_degrees == 15 and training[1].contrast_fraction == 0.1


def test_as_dict_lists_every_setting():
    assert TUTORIAL.as_dict() == {
        "rotation_degrees": 40, "shift_fraction": 0.2, "shear_fraction": 0.2, "zoom_fraction": 0.2,
        "horizontal_flip": True, "brightness_fraction": 0.0, "contrast_fraction": 0.0, "fill_mode": "nearest",
    }


def test_presets_are_labelled_with_the_models_whose_cards_name_them():
    from core.augment.settings import FLIP_AND_ROTATE, NONE, TRAINING, TUTORIAL, preset_choices

    cards = {"compact": "training", "classic": "training", "augmented": "flip_rotate", "baseline": "none",
             "transfer": "horizontal flip (features of each photo and its mirror image, cached)"}
    choices = preset_choices(cards)
    assert choices == {
        "The long tutorial's settings": TUTORIAL,
        "What classic and compact were trained with": TRAINING,
        "What augmented was trained with": FLIP_AND_ROTATE,
        "What baseline was trained with": NONE,
    }
    # No card names the milder recipe: it is offered under its own name, never as "the shipped models'".
    assert list(preset_choices({})) == ["The long tutorial's settings",
                                        "This project's milder recipe for from-scratch models"]
