"""Augmentation settings and the named presets the models were trained with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class AugmentationSettings:
    """Random changes applied to each training photo (0 switches one off).

    rotation_degrees: largest rotation either way.
    shift_fraction: largest shift, as a fraction of width and height.
    shear_fraction: largest shear (horizontal and vertical), as a fraction.
    zoom_fraction: largest zoom in or out, as a fraction.
    horizontal_flip: mirror half of the photos left to right.
    brightness_fraction / contrast_fraction: largest brightness or contrast change.
    fill_mode: how pixels uncovered by a rotation or shift are filled.
    """

    rotation_degrees: float = 0.0
    shift_fraction: float = 0.0
    shear_fraction: float = 0.0
    zoom_fraction: float = 0.0
    horizontal_flip: bool = False
    brightness_fraction: float = 0.0
    contrast_fraction: float = 0.0
    fill_mode: str = "nearest"

    def as_dict(self) -> dict:
        return asdict(self)

    def is_identity(self) -> bool:
        return self == AugmentationSettings(fill_mode=self.fill_mode)


#: The settings of the long tutorial's ImageDataGenerator.
TUTORIAL = AugmentationSettings(
    rotation_degrees=40, shift_fraction=0.2, shear_fraction=0.2, zoom_fraction=0.2, horizontal_flip=True
)


#: Milder settings used to train the shipped from-scratch models: the
#: tutorial's 40° rotations and shears distort cats and dogs more than
#: real photos ever are, which costs accuracy on a small CPU budget.
TRAINING = AugmentationSettings(
    rotation_degrees=15, shift_fraction=0.1, zoom_fraction=0.15, horizontal_flip=True, contrast_fraction=0.1
)

#: The tutorial progression's "augmented" step: flips and rotations only.
FLIP_AND_ROTATE = AugmentationSettings(rotation_degrees=36, horizontal_flip=True)

NONE = AugmentationSettings()

PRESETS = {"none": NONE, "flip_rotate": FLIP_AND_ROTATE, "training": TRAINING, "tutorial": TUTORIAL}

FILL_MODES = ("nearest", "reflect", "constant", "wrap")


def check_settings(settings: AugmentationSettings) -> None:
    if settings.fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}, got {settings.fill_mode!r}.")
    for name in ("rotation_degrees", "shift_fraction", "shear_fraction", "zoom_fraction",
                 "brightness_fraction", "contrast_fraction"):
        if getattr(settings, name) < 0:
            raise ValueError(f"{name} cannot be negative.")
    if settings.rotation_degrees > 180:
        raise ValueError("rotation_degrees must be at most 180.")
    if settings.zoom_fraction >= 1:
        raise ValueError("zoom_fraction must be below 1 (1 would zoom out to nothing).")
    if settings.contrast_fraction > 1:
        raise ValueError("contrast_fraction must be at most 1.")


def names_text(names: Sequence[str]) -> str:
    """'classic', 'classic and compact', 'a, b and c'."""
    if not names:
        raise ValueError("No names to list.")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def models_by_preset(augmentations: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """{preset: model names, sorted} from each model card's "augmentation" entry.

    A card naming something that is not a preset (the transfer model's
    mirrored cached features) is left out: no slider setting reproduces it.
    """
    by_preset: dict[str, list[str]] = {}
    for model_name, augmentation in augmentations.items():
        if augmentation in PRESETS:
            by_preset.setdefault(augmentation, []).append(model_name)
    return {preset: tuple(sorted(names)) for preset, names in by_preset.items()}


#: The order presets are offered in after the tutorial's.
PRESET_ORDER = ("training", "flip_rotate", "none")


def preset_choices(augmentations: Mapping[str, str]) -> dict[str, AugmentationSettings]:
    """The presets to offer, each labelled with the shipped models (from their cards) trained with it."""
    choices = {"The long tutorial's settings": TUTORIAL}
    used = models_by_preset(augmentations)
    for preset in PRESET_ORDER:
        if preset in used:
            names = used[preset]
            choices[f"What {names_text(names)} {'was' if len(names) == 1 else 'were'} trained with"] = PRESETS[preset]
    if "training" not in used:
        choices["This project's milder recipe for from-scratch models"] = TRAINING
    return choices
