"""The lab's settings as one value: what a preset starts from and what a shared link carries."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from core.arithmetic.presets import Preset

#: The lab's views, by the name used in links, with the label its switch shows.
VIEWS = {
    "convolution": "Convolution + ReLU",
    "pooling": "Pooling",
    "colour": "Colour (RGB)",
    "photo": "Real photo",
    "decision": "To a decision",
}

#: How the convolution's input is padded: the switch's choices and their labels.
PADDING_CHOICES = {"valid": "valid", "same": "same", "rings": "zero rings"}

#: What the pooling view pools.
POOL_SOURCES = {"convolution": "the convolution's output", "input": "the input matrix itself"}

#: The classic model's first layer (conv1) has this many filters.
MODEL_FILTERS = 32


@dataclass(frozen=True)
class LabSettings:
    """Every setting of the lab except the two matrices; one field per ``lab_<field>`` session key."""

    preset: str
    view: str = "convolution"
    stride: int = 1
    padding_mode: str = "valid"  # "valid", "same" or "rings"
    padding_rings: int = 1  # used when padding_mode is "rings"
    bias: float = 0.0
    relu: bool = False
    conv_step: int = 1
    pool_source: str = "convolution"
    pool_mode: str = "max"
    pool_size: int = 2
    pool_stride: int = 2
    pool_padding: str = "valid"
    pool_step: int = 1
    random_seed: int = 0
    model_filter: int = 1
    model_channel: str = "sum"

    @classmethod
    def from_preset(cls, preset: Preset, *, random_seed: int = 0, model_filter: int = 1,
                    model_channel: str = "sum") -> LabSettings:
        """A preset's settings, starting at the first step; the model and random choices carry over."""
        if isinstance(preset.padding, str):
            padding_mode, padding_rings = preset.padding, 1
        else:
            padding_mode, padding_rings = "rings", int(preset.padding)
        return cls(
            preset=preset.key, view=preset.view, stride=preset.stride, padding_mode=padding_mode,
            padding_rings=padding_rings, bias=float(preset.bias), relu=preset.relu,
            pool_source=preset.pool_source, pool_mode=preset.pool_mode, pool_size=preset.pool_size,
            pool_stride=preset.pool_stride, random_seed=random_seed, model_filter=model_filter,
            model_channel=model_channel,
        )

    @property
    def padding(self) -> str | int:
        """The padding as core.arithmetic.convolution takes it: "valid", "same" or a number of rings."""
        return int(self.padding_rings) if self.padding_mode == "rings" else self.padding_mode

    def with_values(self, **values: object) -> LabSettings:
        return replace(self, **values)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))


def model_kernel_caption(filter_number: int, channel: str) -> str:
    """What the model preset's kernel is: which conv1 filter, and which of its colour slices."""
    which = ("the sum of its red, green and blue slices (what it does to a gray pixel)" if channel == "sum"
             else f"only its {channel} slice")
    return (f"conv1 filter {filter_number} of {MODEL_FILTERS}, showing {which}, rounded to 3 decimals. "
            "The model divides pixels by 255 and adds its bias; here the weights apply to the numbers as typed.")


def resized_matrix(values: object, rows: int, cols: int) -> np.ndarray:
    """``values`` cut or grown to rows × cols, keeping the top-left numbers; new cells are 0."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"Only a 2-D matrix can be resized, got shape {array.shape}.")
    if rows < 1 or cols < 1:
        raise ValueError(f"A matrix needs at least one row and one column, got {rows} × {cols}.")
    resized = np.zeros((int(rows), int(cols)))
    keep_rows, keep_cols = min(array.shape[0], rows), min(array.shape[1], cols)
    resized[:keep_rows, :keep_cols] = array[:keep_rows, :keep_cols]
    return resized
