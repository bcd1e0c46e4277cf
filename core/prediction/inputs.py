"""What the network receives: photos resized to its input, a crop of their numbers, its input scaling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.arithmetic.numbers import TIMES, format_count
from core.imaging.resize import TRAINING_SIDE, network_input

#: Side of the square of pixel values shown as tables.
CROP_SIZE = 6


def model_inputs(photos: list[np.ndarray], size: tuple[int, int]) -> np.ndarray:
    """Stack photos as the network receives them (:func:`core.imaging.resize.network_input`), a uint8 batch."""
    if not photos:
        raise ValueError("No photos to classify.")
    return np.stack([network_input(pixels, size) for pixels in photos])


@dataclass(frozen=True)
class PixelCrop:
    """A small square of the model's input: the numbers the network reads there."""

    top: int
    left: int
    values: np.ndarray  # (size, size, 3) uint8

    @property
    def size(self) -> int:
        return self.values.shape[0]

    @property
    def rows(self) -> range:
        """Row numbers in the model's input, for labelling a table."""
        return range(self.top, self.top + self.size)

    @property
    def columns(self) -> range:
        return range(self.left, self.left + self.size)

    def channel(self, channel: int) -> np.ndarray:
        """One colour channel (0 red, 1 green, 2 blue) as a size×size grid."""
        if not 0 <= channel < self.values.shape[2]:
            raise ValueError(f"Channel must be 0, 1 or 2 (red, green, blue), got {channel}.")
        return self.values[..., channel]

    @property
    def caption(self) -> str:
        return f"Pixel values of the {self.size}{TIMES}{self.size} square at row {self.top}, column {self.left}."


def pixel_crop(model_input: np.ndarray, top: int, left: int, size: int = CROP_SIZE) -> PixelCrop:
    """A size×size×3 window of the model's input, moved (and shrunk) to stay inside it."""
    height, width = model_input.shape[:2]
    size = max(1, min(size, height, width))
    top = int(np.clip(top, 0, height - size))
    left = int(np.clip(left, 0, width - size))
    return PixelCrop(top, left, model_input[top:top + size, left:left + size])


def input_scaling(model) -> str:
    """How the model's first Rescaling layer turns 0..255 pixels into its own range."""
    for layer in model.layers:
        if layer.__class__.__name__ == "Rescaling":
            scale, offset = float(layer.scale), float(layer.offset)
            low, high = offset, 255 * scale + offset
            if abs(scale - 1 / 255) < 1e-9 and offset == 0:
                return "divides them by 255 itself, in its first layer, so they run from 0 to 1"
            sign = "+" if offset >= 0 else "−"
            return (f"rescales them itself, in its first layer (÷ {1 / scale:.4g} {sign} {abs(offset):g}), "
                    f"so they run from {low:g} to {high:g}")
    return "uses them as they are"


@dataclass(frozen=True)
class ModelInput:
    """One photo as the network receives it: squeezed to its input size, 0..255 in each channel."""

    pixels: np.ndarray  # (height, width, 3) uint8
    scaling: str  # what the model does to the numbers first, from :func:`input_scaling`

    @property
    def height(self) -> int:
        return self.pixels.shape[0]

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def number_count(self) -> int:
        return self.pixels.size

    @property
    def description(self) -> str:
        """The paragraph that says what the network gets (Markdown)."""
        return (
            f"Like the photos it learned from, the photo is first shrunk until its longer side is at most "
            f"{TRAINING_SIDE} pixels, then squeezed to **{self.width}{TIMES}{self.height} pixels**. "
            f"To the network it is just a "
            f"grid of numbers: {self.height} rows {TIMES} {self.width} columns {TIMES} 3 colour channels "
            f"(red, green, blue) = {format_count(self.number_count)} numbers from 0 (dark) to 255 (bright). "
            f"The model {self.scaling}."
        )

    @property
    def caption(self) -> str:
        return f"Model input: {self.width}{TIMES}{self.height}"

    def centre_crop_corner(self, size: int = CROP_SIZE) -> tuple[int, int]:
        """(top, left) of the crop in the middle of the input, where the crop sliders start."""
        return self.height // 2 - size // 2, self.width // 2 - size // 2

    def crop(self, top: int, left: int, size: int = CROP_SIZE) -> PixelCrop:
        return pixel_crop(self.pixels, top, left, size)
