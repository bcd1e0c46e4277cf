"""What the network receives: photos resized to its input, a crop of their numbers, its input scaling."""

from __future__ import annotations

import numpy as np

from core.imaging.resize import resize_for_model


def model_inputs(photos: list[np.ndarray], size: tuple[int, int]) -> np.ndarray:
    """Stack photos resized to the model's (height, width) as a uint8 batch."""
    if not photos:
        raise ValueError("No photos to classify.")
    return np.stack([resize_for_model(pixels, size) for pixels in photos])


def pixel_crop(model_input: np.ndarray, top: int, left: int, size: int = 6) -> np.ndarray:
    """A size×size×3 window of the model's input, clipped to stay inside it."""
    height, width = model_input.shape[:2]
    size = max(1, min(size, height, width))
    top = int(np.clip(top, 0, height - size))
    left = int(np.clip(left, 0, width - size))
    return model_input[top:top + size, left:left + size]


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
