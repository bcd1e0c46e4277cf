"""The augmentation a setting makes, listed change by change, and sample previews of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.augment.settings import names_text
from core.imaging.resize import network_input

if TYPE_CHECKING:
    from core.augment.settings import AugmentationSettings

#: Side of the square the preview resizes every photo to.
PREVIEW_SIZE = 160


@dataclass(frozen=True)
class AugmentationStep:
    """One Keras layer of the augmentation, with its real settings."""

    layer_name: str
    layer_type: str
    settings: str


def augmentation_steps(settings: AugmentationSettings) -> list[AugmentationStep]:
    """Each random change the settings switch on, the Keras layer that makes it, and its range.

    Read back from the layers :func:`core.augment.build_augmentation` builds
    (their configs), so the table shows what training really uses.
    """
    from core.augment.layers import build_augmentation

    steps = []
    for layer in build_augmentation(settings).layers:
        config = layer.get_config()
        layer_type = f"{type(layer).__name__} ({layer.name})"
        if type(layer).__name__ == "RandomAffine":
            fill = f", fill_mode={config['fill_mode']!r}"
            if config["horizontal_flip"]:
                steps.append(AugmentationStep("flip", layer_type, "mirror left-right with probability 0.5"))
            if config["rotation_degrees"]:
                steps.append(AugmentationStep("rotation", layer_type, f"angle from −{config['rotation_degrees']:g}° "
                                                                      f"to +{config['rotation_degrees']:g}°{fill}"))
            if config["shift_fraction"]:
                steps.append(AugmentationStep("shift", layer_type, f"up to ±{config['shift_fraction']:g} of the width "
                                                                   f"and of the height{fill}"))
            if config["shear_fraction"]:
                steps.append(AugmentationStep("shear", layer_type, f"slant from −{config['shear_fraction']:g} to "
                                                                   f"+{config['shear_fraction']:g}{fill}"))
            if config["zoom_fraction"]:
                zoom = config["zoom_fraction"]
                steps.append(AugmentationStep("zoom", layer_type, f"scale factor from {1 - zoom:g} to {1 + zoom:g}"
                                                                  f"{fill}"))
        elif type(layer).__name__ == "RandomLighting":
            if config["brightness_fraction"]:
                steps.append(AugmentationStep("brightness", layer_type,
                                              f"add up to ±{255 * config['brightness_fraction']:.0f} to every pixel"))
            if config["contrast_fraction"]:
                low, high = contrast_range(settings)
                steps.append(AugmentationStep("contrast", layer_type,
                                              f"distance from the mean × {low:g} to {high:g}"))
    return steps


def steps_table(steps: Sequence[AugmentationStep]) -> dict[str, list[str]]:
    """The steps as table columns: the change, its Keras layer, its range."""
    return {"change": [step.layer_name for step in steps],
            "Keras layer": [step.layer_type for step in steps],
            "range": [step.settings for step in steps]}


def contrast_range(settings: AugmentationSettings) -> tuple[float, float] | None:
    """The range the contrast factor is drawn from (None: no contrast step)."""
    from core.augment.layers import contrast_factor_range

    return contrast_factor_range(settings.contrast_fraction) if settings.contrast_fraction else None


def contrast_sentence(settings: AugmentationSettings) -> str:
    """'The contrast is multiplied by a random factor from 0.90 to 1.10.' ("" when contrast is off)."""
    factors = contrast_range(settings)
    if factors is None:
        return ""
    low, high = factors
    return f"The contrast is multiplied by a random factor from {low:.2f} to {high:.2f}."


def augmentation_samples(
    pixels: np.ndarray,
    settings: AugmentationSettings,
    count: int = 12,
    seed: int = 0,
    size: int = PREVIEW_SIZE,
) -> np.ndarray:
    """``count`` random versions of one photo, as training would make them.

    The photo is first resized to ``size``×``size`` (as training resizes every
    photo), then passed ``count`` times through the augmentation layers in one
    batch. Returns (count, size, size, 3) uint8; the same seed gives the same
    images.
    """
    from core.augment.layers import build_augmentation

    if count < 1 or count > 64:
        raise ValueError(f"count must be between 1 and 64, got {count}.")
    square = network_input(np.asarray(pixels, dtype=np.uint8), (size, size))
    batch = np.repeat(square[None].astype(np.float32), count, axis=0)
    if settings.is_identity():
        return batch.astype(np.uint8)
    augment = build_augmentation(settings, seed=seed)
    output = np.asarray(augment(batch, training=True))
    return np.clip(np.rint(output), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class AugmentationPreview:
    """Random versions of one photo and the steps that made them."""

    images: np.ndarray  # (count, size, size, 3) uint8
    seed: int
    size: int
    steps: tuple[AugmentationStep, ...]

    @property
    def caption(self) -> str:
        return f"{len(self.images)} random versions at {self.size}×{self.size} (seed {self.seed})."


def augmentation_preview(pixels: np.ndarray, settings: AugmentationSettings, count: int = 12, seed: int = 0,
                         size: int = PREVIEW_SIZE) -> AugmentationPreview:
    """:func:`augmentation_samples` together with the :func:`augmentation_steps` that made them."""
    images = augmentation_samples(pixels, settings, count=count, seed=seed, size=size)
    return AugmentationPreview(images, seed, size, tuple(augmentation_steps(settings)))


def preview_size_sentence(input_sides: Mapping[str, int], preview_size: int = PREVIEW_SIZE) -> str:
    """The preview's size said honestly, next to the sizes the models really train at (from their cards)."""
    text = f"The versions are drawn at {preview_size}×{preview_size} pixels so that four fit in a row."
    if not input_sides:
        return text
    by_side: dict[int, list[str]] = {}
    for model_name, side in sorted(input_sides.items()):
        by_side.setdefault(int(side), []).append(model_name)
    sizes = "; ".join(f"{side}×{side} for {names_text(names)}" for side, names in sorted(by_side.items()))
    return (text + f" Training resizes each photo to its model's own input first ({sizes}) and makes the same "
            "kind of changes there.")
