"""A kernel applied to a whole photo, and kernels taken from a model's first layer."""

from __future__ import annotations

import cv2
import numpy as np


def filter_image(gray: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlate a whole grayscale photo with a 2-D kernel using OpenCV, as the lab's "same" padding does.

    OpenCV's filter2D does not flip the kernel, and zero padding keeps the size.
    Its default anchor is the kernel's centre, rounded down-right for an even
    kernel, which puts the extra padding row above; TensorFlow's "same" padding
    (the lab's) puts it below. Anchoring at ((size − 1) // 2) puts it below too,
    so every output pixel equals the lab's at stride 1, for odd and even
    kernels alike. Returns float32, signed.
    """
    gray = np.asarray(gray, dtype=np.float32)
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError(f"Expected a 2-D grayscale image, got shape {gray.shape}.")
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(f"The photo filter needs a 2-D kernel, got shape {kernel.shape}.")
    anchor = ((kernel.shape[1] - 1) // 2, (kernel.shape[0] - 1) // 2)  # (x, y): the extra zeros go bottom/right
    return cv2.filter2D(gray, cv2.CV_32F, kernel, anchor=anchor, borderType=cv2.BORDER_CONSTANT)


def response_to_uint8(response: np.ndarray, percentile: float = 100.0) -> np.ndarray:
    """Show a signed filter response as brightness: |value| scaled so that the given percentile is white.

    A percentile below 100 (e.g. 99.5) keeps a few extreme pixels from making
    everything else look black.
    """
    magnitude = np.abs(np.asarray(response, dtype=np.float32))
    peak = float(np.percentile(magnitude, percentile)) if magnitude.size else 0.0
    if peak <= 0 and magnitude.size:
        peak = float(magnitude.max())
    if peak <= 0:
        return np.zeros(magnitude.shape, np.uint8)
    return np.clip(magnitude * (255.0 / peak), 0, 255).round().astype(np.uint8)


def crop(matrix: np.ndarray, top: int, left: int, size: int = 6) -> np.ndarray:
    """A size × size corner of ``matrix`` starting at (top, left), clamped to stay inside."""
    matrix = np.asarray(matrix)
    if matrix.shape[0] < size or matrix.shape[1] < size:
        raise ValueError(f"The image ({matrix.shape[0]} × {matrix.shape[1]}) is smaller than a {size} × {size} crop.")
    top = int(min(max(top, 0), matrix.shape[0] - size))
    left = int(min(max(left, 0), matrix.shape[1] - size))
    return matrix[top:top + size, left:left + size].copy()


CHANNEL_CHOICES = ("red", "green", "blue", "sum")


def first_layer_kernel(weights: np.ndarray, filter_index: int, channel: str = "sum", decimals: int = 3) -> np.ndarray:
    """One 3×3 slice of a first-layer kernel of shape (rows, cols, 3, filters), rounded for the editor.

    ``channel`` picks the weights applied to the red, green or blue channel,
    or "sum": what the filter does to a gray pixel (equal R, G and B).
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 4 or weights.shape[2] != 3:
        raise ValueError(f"Expected first-layer weights of shape (rows, cols, 3, filters), got {weights.shape}.")
    if not 0 <= filter_index < weights.shape[3]:
        raise ValueError(f"Filter {filter_index + 1} does not exist: the layer has {weights.shape[3]} filters.")
    if channel not in CHANNEL_CHOICES:
        raise ValueError(f"Channel must be one of {', '.join(CHANNEL_CHOICES)}, got {channel!r}.")
    kernel = weights[:, :, :, filter_index]
    kernel = kernel.sum(axis=2) if channel == "sum" else kernel[:, :, CHANNEL_CHOICES.index(channel)]
    return np.round(kernel, decimals)


def random_kernel(seed: int, size: int = 3, low: int = -2, high: int = 2) -> np.ndarray:
    """Whole-number weights between ``low`` and ``high`` so the sums stay easy to check by hand."""
    return np.random.default_rng(int(seed)).integers(low, high + 1, (size, size)).astype(np.float64)
