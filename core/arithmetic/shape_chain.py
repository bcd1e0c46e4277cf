"""The shapes through blocks of convolution and pooling, each size with its formula."""

from __future__ import annotations

from dataclasses import dataclass

from core.arithmetic.numbers import TIMES
from core.arithmetic.sizes import output_size


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
                     kernel: int = 3, pool: int = 2) -> list[ShapeStage]:
    """The shapes through blocks of a 'valid' k×k convolution and a pool×pool max pool (the classic model)."""
    stages = [ShapeStage("input", image_size, image_size, 3, "")]
    size = image_size
    for block, channels in enumerate(filters, start=1):
        conv = output_size(size, kernel, 1)
        size = conv.output
        stages.append(ShapeStage(f"conv{block}", size, size, channels, conv.text))
        pooled = output_size(size, pool, pool, what="pool window")
        size = pooled.output
        stages.append(ShapeStage(f"pool{block}", size, size, channels, pooled.text))
    return stages
