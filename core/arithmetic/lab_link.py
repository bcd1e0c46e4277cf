"""The lab's address: URL query parameters <-> lab settings, so a teacher can share exactly one view.

A link names a preset and may change any of its settings and matrices, e.g.
``?preset=sharpen&stride=2&kernel=0,-1,0;-1,4,-1;0,-1,0``. A value that can't
be used is not an error: the lab keeps the preset's value and says why.
Matrices go in the link only when they differ from the preset's, to keep links short.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core.arithmetic import numbers, pooling, sizes
from core.arithmetic.lab_settings import MODEL_FILTERS, POOL_SOURCES, VIEWS, LabSettings
from core.arithmetic.photo_filters import CHANNEL_CHOICES, random_kernel
from core.arithmetic.presets import DEFAULT_PRESET, PRESETS

#: The highest step number a link may ask for (the lab clamps it to the real number of steps).
MAX_STEP = 10_000

#: Pool size and pool stride range from 1 to this.
MAX_POOL_SIDE = 4

_RELU_OFF = ("0", "off", "false")

#: Every query parameter a lab link may carry (the session photo's ``photo`` is not the lab's).
LINK_NAMES = frozenset({
    "preset", "view", "stride", "padding", "bias", "relu", "step", "psource", "pool", "psize", "pstride", "ppadding",
    "pstep", "seed", "filter", "channel", "image", "kernel",
})


@dataclass(frozen=True, eq=False)
class LinkReading:
    """What a link asks for: the settings, the matrices it replaces (None: the preset's) and what was refused."""

    settings: LabSettings
    image: np.ndarray | None
    kernel: np.ndarray | None
    problems: tuple[str, ...]

    @property
    def warnings(self) -> list[str]:
        """One sentence per refused value, as the page shows them."""
        return [f"This link's setting {problem}; the lab used its default instead." for problem in self.problems]


def _whole(text: str) -> int:
    return int(text)  # raises ValueError for "1.5", "abc" or ""


def names_lab_settings(params: Mapping[str, str]) -> bool:
    """Whether an address asks for lab settings (a shared or "Try it" link), rather than just opening the page."""
    return not LINK_NAMES.isdisjoint(params)


def read_link(params: Mapping[str, str]) -> LinkReading:
    """The lab settings a link asks for; values that can't be used are listed in ``problems``."""
    problems: list[str] = []
    preset_key = params.get("preset", DEFAULT_PRESET)
    if preset_key not in PRESETS:
        problems.append(f"preset={preset_key!r} is not a preset of this lab")
        preset_key = DEFAULT_PRESET
    random_seed, model_filter, model_channel = 0, 1, "sum"
    if "seed" in params:
        try:
            random_seed = _whole(params["seed"])
        except ValueError:
            problems.append(f"seed={params['seed']!r} is not a whole number")
    if "filter" in params:
        try:
            model_filter = min(max(_whole(params["filter"]), 1), MODEL_FILTERS)
        except ValueError:
            problems.append(f"filter={params['filter']!r} is not a whole number")
    if params.get("channel") in CHANNEL_CHOICES:
        model_channel = params["channel"]
    settings = LabSettings.from_preset(PRESETS[preset_key], random_seed=random_seed, model_filter=model_filter,
                                       model_channel=model_channel)
    changes: dict[str, object] = {}

    matrices: dict[str, np.ndarray | None] = {"image": None, "kernel": None}
    for name in matrices:
        if name in params:
            side = numbers.MAX_INPUT_SIDE if name == "image" else numbers.MAX_KERNEL_SIDE
            try:
                matrices[name] = numbers.parse_matrix_text(params[name], name="kernel" if name == "kernel" else "input",
                                                           max_rows=side, max_cols=side)
            except ValueError as error:
                problems.append(f"{name}: {error}")

    def whole(name: str, field: str, low: int, high: int) -> None:
        if name not in params:
            return
        try:
            value = _whole(params[name])
        except ValueError:
            problems.append(f"{name}={params[name]!r} is not a whole number")
            return
        if not low <= value <= high:
            problems.append(f"{name}={value} is outside {low}…{high}")
            return
        changes[field] = value

    def choice(name: str, field: str, options: list[str]) -> None:
        if name in params:
            if params[name] in options:
                changes[field] = params[name]
            else:
                problems.append(f"{name}={params[name]!r} is not one of {', '.join(options)}")

    whole("stride", "stride", 1, numbers.MAX_STRIDE)
    if "padding" in params:
        value = params["padding"]
        if value in sizes.PADDING_MODES:
            changes["padding_mode"] = value
        elif value.isdigit() and int(value) <= numbers.MAX_PADDING:
            changes["padding_mode"], changes["padding_rings"] = "rings", int(value)
        else:
            problems.append(f"padding={value!r} is not valid, same or 0…{numbers.MAX_PADDING}")
    if "bias" in params:
        try:
            changes["bias"] = float(numbers.parse_matrix_text(params["bias"], name="bias")[0, 0])
        except ValueError:
            problems.append(f"bias={params['bias']!r} is not a number")
    if "relu" in params:
        changes["relu"] = params["relu"] not in _RELU_OFF
    choice("view", "view", list(VIEWS))
    choice("psource", "pool_source", list(POOL_SOURCES))
    choice("pool", "pool_mode", list(pooling.POOL_MODES))
    choice("ppadding", "pool_padding", list(sizes.PADDING_MODES))
    whole("psize", "pool_size", 1, MAX_POOL_SIDE)
    whole("pstride", "pool_stride", 1, MAX_POOL_SIDE)
    whole("step", "conv_step", 1, MAX_STEP)
    whole("pstep", "pool_step", 1, MAX_STEP)
    return LinkReading(settings.with_values(**changes), matrices["image"], matrices["kernel"], tuple(problems))


def preset_kernel(settings: LabSettings) -> np.ndarray:
    """The kernel a preset starts with (the random preset's depends on its seed)."""
    if settings.preset == "random":
        return random_kernel(settings.random_seed)
    return np.asarray(PRESETS[settings.preset].kernel, dtype=np.float64)


def link_params(settings: LabSettings, image: object, kernel: object) -> dict[str, str]:
    """The query parameters that bring back these settings and matrices."""
    if settings.preset not in PRESETS:
        raise ValueError(f"{settings.preset!r} is not a preset of this lab.")
    preset = PRESETS[settings.preset]
    params = {
        "preset": preset.key,
        "view": settings.view,
        "stride": str(settings.stride),
        "padding": str(settings.padding),
        "bias": numbers.matrix_to_text(np.array([[settings.bias]])),
        "relu": "1" if settings.relu else "0",
        "step": str(settings.conv_step),
        "psource": settings.pool_source,
        "pool": settings.pool_mode,
        "psize": str(settings.pool_size),
        "pstride": str(settings.pool_stride),
        "ppadding": settings.pool_padding,
        "pstep": str(settings.pool_step),
    }
    if preset.key == "random":
        params["seed"] = str(settings.random_seed)
    if preset.key == "model":
        params["filter"] = str(settings.model_filter)
        params["channel"] = settings.model_channel
    image_array = np.asarray(image, dtype=np.float64)
    kernel_array = np.asarray(kernel, dtype=np.float64)
    if not np.array_equal(image_array, np.asarray(preset.image)):
        params["image"] = numbers.matrix_to_text(image_array, row_separator=";")
    # The model's kernel depends on weights that a retraining changes, so its link always carries it.
    if preset.key == "model" or not np.array_equal(kernel_array, preset_kernel(settings)):
        params["kernel"] = numbers.matrix_to_text(kernel_array, row_separator=";")
    return params
