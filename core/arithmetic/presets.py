"""The lab's starting examples: the tutorials' worked matrices and classic kernels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.arithmetic.photo_filters import random_kernel

EDGE_IMAGE = [[1, 2, 3, 0, 1], [0, 1, 2, 3, 1], [3, 2, 1, 0, 2], [1, 0, 3, 2, 1], [2, 1, 0, 1, 0]]

VERTICAL_EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]

POOL_IMAGE = [[1, 3, 2, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]


# The first two rows are the ones the course chapter prints; the rest complete
# the 5×5 picture from the same well-known illustration.
SHARPEN_IMAGE = [
    [105, 102, 100, 97, 96],
    [103, 99, 103, 101, 102],
    [101, 98, 104, 102, 100],
    [99, 101, 106, 104, 99],
    [104, 104, 104, 100, 98],
]

SHARPEN = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]

SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # responds to left-to-right changes: vertical edges

SOBEL_Y = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]  # responds to top-to-bottom changes: horizontal edges

IDENTITY = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]

BOX_BLUR = [[1 / 9] * 3] * 3

# A small step image: dark on the left, bright on the right, and a bright bottom row.
STEP_IMAGE = [
    [10, 10, 10, 80, 80, 80],
    [10, 10, 10, 80, 80, 80],
    [10, 10, 10, 80, 80, 80],
    [10, 10, 10, 80, 80, 80],
    [90, 90, 90, 90, 90, 90],
    [90, 90, 90, 90, 90, 90],
]


@dataclass(frozen=True)
class Preset:
    """A starting point for the lab: matrices and settings."""

    key: str
    title: str
    description: str
    image: tuple[tuple[float, ...], ...]
    kernel: tuple[tuple[float, ...], ...]
    stride: int = 1
    padding: str | int = "valid"
    bias: float = 0.0
    relu: bool = False
    view: str = "convolution"
    pool_source: str = "convolution"  # or "input"
    pool_mode: str = "max"
    pool_size: int = 2
    pool_stride: int = 2


def _rows(matrix: Sequence[Sequence[float]]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(value) for value in row) for row in matrix)


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset("edge", "Vertical edge on a 5×5 image (the long tutorial)",
               "The tutorial's 5×5 image and vertical-edge kernel. First output row: −2, 2, 2. "
               "(The tutorial's text also says 2 for the first cell; it is −2.)",
               _rows(EDGE_IMAGE), _rows(VERTICAL_EDGE), relu=True),
        Preset("pooling", "Max pooling a 4×4 matrix, 2×2, stride 2",
               "Each 2×2 block keeps its largest number: [[6, 8], [14, 16]].",
               _rows(POOL_IMAGE), _rows([[1]]), view="pooling", pool_source="input"),
        Preset("sharpen", "Sharpen kernel on zero-padded pixels (105, 102, 100…)",
               "One ring of zeros around the pixels; the top-left output is 5×105 − 102 − 103 = 320.",
               _rows(SHARPEN_IMAGE), _rows(SHARPEN), padding=1),
        Preset("sobel_x", "Sobel x: vertical edges",
               "Large where brightness changes from left to right.", _rows(STEP_IMAGE), _rows(SOBEL_X)),
        Preset("sobel_y", "Sobel y: horizontal edges",
               "Large where brightness changes from top to bottom.", _rows(STEP_IMAGE), _rows(SOBEL_Y)),
        Preset("identity", "Identity kernel",
               "A single 1 in the middle copies each pixel: with 'same' padding the output equals the input.",
               _rows(EDGE_IMAGE), _rows(IDENTITY), padding="same"),
        Preset("blur", "Box blur (3×3 average)",
               "Nine weights of 1/9: each output is the mean of its 3×3 window. 1/9 is written rounded (0.1111).",
               _rows(STEP_IMAGE), _rows(BOX_BLUR)),
        Preset("random", "Random kernel",
               "Whole-number weights from −2 to 2, drawn at random (press “New random kernel” for another).",
               _rows(EDGE_IMAGE), _rows(random_kernel(0))),
        Preset("model", "A kernel from the trained model's first layer",
               "One 3×3 filter of the classic model's first convolution (conv1: 32 filters of 3×3×3 weights), "
               "rounded to 3 decimals.",
               _rows(STEP_IMAGE), _rows(IDENTITY)),
    )
}

DEFAULT_PRESET = "edge"


#: The small RGB example: a red-and-blue object on a dark background (0..255).
RGB_IMAGE = np.stack([
    np.array([[200, 210, 40, 30], [190, 220, 35, 20], [205, 200, 30, 25], [30, 20, 10, 15]], dtype=np.float64),
    np.array([[40, 45, 50, 40], [35, 50, 45, 40], [40, 45, 50, 35], [20, 25, 15, 10]], dtype=np.float64),
    np.array([[30, 20, 180, 190], [25, 35, 200, 210], [20, 30, 195, 185], [15, 10, 20, 25]], dtype=np.float64),
], axis=2)

#: A 3×3×3 filter: a vertical-edge detector on red, nothing on green, the opposite edge on blue.
RGB_KERNEL = np.stack([
    np.array(VERTICAL_EDGE, dtype=np.float64),
    np.zeros((3, 3)),
    -np.array(VERTICAL_EDGE, dtype=np.float64),
], axis=2)
