"""Data augmentation as Keras preprocessing layers.

Training and the dataset page's preview build their augmentation from the
same :class:`AugmentationSettings`, so what the page shows is what the
network is trained on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
from keras import layers


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


def build_augmentation(settings: AugmentationSettings, seed: int | None = None) -> keras.Sequential:
    """A ``keras.Sequential`` of random layers, active only when called with ``training=True``.

    It works on batches of 0..255 float pixels and keeps that range.
    """
    if settings.fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}, got {settings.fill_mode!r}.")
    for name in ("rotation_degrees", "shift_fraction", "shear_fraction", "zoom_fraction",
                 "brightness_fraction", "contrast_fraction"):
        if getattr(settings, name) < 0:
            raise ValueError(f"{name} cannot be negative.")
    if settings.rotation_degrees > 180:
        raise ValueError("rotation_degrees must be at most 180.")
    steps: list[layers.Layer] = []
    if settings.horizontal_flip:
        steps.append(layers.RandomFlip("horizontal", seed=seed, name="flip"))
    if settings.rotation_degrees:
        # Keras expresses rotation as a fraction of a full turn.
        steps.append(layers.RandomRotation(settings.rotation_degrees / 360.0, fill_mode=settings.fill_mode,
                                           seed=seed, name="rotation"))
    if settings.shift_fraction:
        steps.append(layers.RandomTranslation(settings.shift_fraction, settings.shift_fraction,
                                              fill_mode=settings.fill_mode, seed=seed, name="shift"))
    if settings.shear_fraction:
        steps.append(layers.RandomShear(x_factor=settings.shear_fraction, y_factor=settings.shear_fraction,
                                        fill_mode=settings.fill_mode, seed=seed, name="shear"))
    if settings.zoom_fraction:
        steps.append(layers.RandomZoom(settings.zoom_fraction, fill_mode=settings.fill_mode,
                                       seed=seed, name="zoom"))
    if settings.brightness_fraction:
        steps.append(layers.RandomBrightness(settings.brightness_fraction, value_range=(0, 255),
                                             seed=seed, name="brightness"))
    if settings.contrast_fraction:
        steps.append(layers.RandomContrast(settings.contrast_fraction, value_range=(0, 255),
                                           seed=seed, name="contrast"))
    return keras.Sequential(steps, name="augmentation")
