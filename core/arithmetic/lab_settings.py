"""The lab's settings as one value: what a preset starts from and what a shared link carries."""

from __future__ import annotations

from collections.abc import Sequence
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


#: The settings a preset's description may speak of, as a learner names them (not ReLU: the lab invites
#: switching it, and the descriptions speak of the output before it).
DESCRIBED_SETTINGS = {
    "stride": "stride", "padding": "padding", "bias": "bias", "pool_source": "pooled matrix",
    "pool_mode": "pooling type", "pool_size": "pool size", "pool_stride": "pool stride",
}


def changed_settings(settings: LabSettings, preset: Preset) -> list[str]:
    """The names of the described settings that are no longer the preset's own."""
    start = LabSettings.from_preset(preset)
    return [name for field, name in DESCRIBED_SETTINGS.items() if getattr(settings, field) != getattr(start, field)]


def preset_caption(title: str, description: str, changed: Sequence[str]) -> str:
    """What the lab says of its preset: its description, or, once something was changed, that the numbers are own.

    ``changed`` names what differs from the preset: its matrices ("input", "kernel") or its settings.
    """
    if not changed:
        return description
    what = ", the ".join(changed[:-1]) + " and the " + changed[-1] if len(changed) > 1 else changed[0]
    return (f"Your own numbers now: the {what} differ{'s' if len(changed) == 1 else ''} from the preset “{title}”, "
            "so its description no longer applies.")


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
