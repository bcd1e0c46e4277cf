"""The shapes through blocks of convolution and pooling, each size with its formula.

The classic model's chain (150 -> 148 -> 74 -> ... -> 7, so Flatten gives
7×7×128 = 6,272 values) and the same chain with ``same`` padding, which is
where the tutorial's 75 -> 37 -> 18 -> 9 and 10,368 come from. Every size
comes from :func:`core.arithmetic.sizes.output_size`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.arithmetic.numbers import TIMES
from core.arithmetic.sizes import output_size, padding_amounts


@dataclass(frozen=True)
class ShapeStage:
    layer: str
    rows: int
    cols: int
    channels: int
    formula: str

    @property
    def text(self) -> str:
        return f"{self.rows} {TIMES} {self.cols} {TIMES} {self.channels}"


def conv_pool_shapes(image_size: int = 150, filters: tuple[int, ...] = (32, 64, 128, 128),
                     kernel: int = 3, pool: int = 2, padding: str = "valid") -> list[ShapeStage]:
    """The shapes through blocks of a k×k convolution (stride 1) and a pool×pool max pool (the classic model)."""
    stages = [ShapeStage("input", image_size, image_size, 3, "")]
    size = image_size
    for block, channels in enumerate(filters, start=1):
        conv = output_size(size, kernel, 1, *padding_amounts(size, kernel, 1, padding))
        size = conv.output
        stages.append(ShapeStage(f"conv{block}", size, size, channels, conv.text))
        pooled = output_size(size, pool, pool, what="pool window")
        size = pooled.output
        stages.append(ShapeStage(f"pool{block}", size, size, channels, pooled.text))
    return stages


@dataclass(frozen=True)
class PaddingComparison:
    """The classic model's sizes with valid padding (what Keras does) and with same padding."""

    stages: tuple[str, ...]  # "input", "conv1", "pool1", ...
    valid_sizes: tuple[int, ...]
    same_sizes: tuple[int, ...]
    channels: int  # of the last block
    dense_units: int

    @property
    def flatten_valid(self) -> int:
        return self.valid_sizes[-1] ** 2 * self.channels

    @property
    def flatten_same(self) -> int:
        return self.same_sizes[-1] ** 2 * self.channels

    @property
    def dense_valid(self) -> int:
        return self.flatten_valid * self.dense_units + self.dense_units

    @property
    def dense_same(self) -> int:
        return self.flatten_same * self.dense_units + self.dense_units


def padding_comparison(input_size: int = 150, filters: tuple[int, ...] = (32, 64, 128, 128), kernel_size: int = 3,
                       pool_size: int = 2, dense_units: int = 512) -> PaddingComparison:
    """Follow the height of a square input through conv/pool blocks with both paddings."""
    valid = conv_pool_shapes(input_size, filters, kernel_size, pool_size, "valid")
    same = conv_pool_shapes(input_size, filters, kernel_size, pool_size, "same")
    return PaddingComparison(tuple(stage.layer for stage in valid), tuple(stage.rows for stage in valid),
                             tuple(stage.rows for stage in same), filters[-1], dense_units)
