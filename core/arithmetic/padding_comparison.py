"""The classic model's sizes with valid and with same padding: the tutorial's 10,368 mistake made visible."""

from __future__ import annotations

from dataclasses import dataclass


def conv_output_size(size: int, kernel_size: int, padding: str = "valid", stride: int = 1) -> int:
    """Height (or width) after a convolution: valid = ⌊(n − k) / s⌋ + 1, same = ⌈n / s⌉."""
    if padding == "same":
        return -(-size // stride)
    if padding == "valid":
        return max((size - kernel_size) // stride + 1, 0)
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


def pool_output_size(size: int, pool_size: int = 2) -> int:
    """Height (or width) after pooling with a window and stride of ``pool_size`` (leftovers dropped)."""
    return max((size - pool_size) // pool_size + 1, 0)


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
    stages, valid, same = ["input"], [input_size], [input_size]
    for block in range(1, len(filters) + 1):
        valid.append(conv_output_size(valid[-1], kernel_size, "valid"))
        same.append(conv_output_size(same[-1], kernel_size, "same"))
        stages.append(f"conv{block}")
        valid.append(pool_output_size(valid[-1], pool_size))
        same.append(pool_output_size(same[-1], pool_size))
        stages.append(f"pool{block}")
    return PaddingComparison(tuple(stages), tuple(valid), tuple(same), filters[-1], dense_units)
