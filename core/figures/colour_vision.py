"""How the app's colours look to people with red–green colour blindness, and how far apart two colours are.

The simulation is Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation of Color
Vision Deficiency", at severity 1.0 (deuteranopia: no working M cones; protanopia: no working L cones). Their
published 3×3 matrices act on linear RGB, so a colour is decoded from sRGB, multiplied, clipped to the display's
range and encoded again. Colour differences are CIE76 ΔE in CIELAB (D65), a plain Euclidean distance: about 2.3
is just noticeable side by side, and differences of 10 and more are told apart at a glance.

No Streamlit here: the tests and ``scripts/colour_vision_screens.py`` use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import plotly.colors

#: Machado et al. (2009), table of simulation matrices, severity 1.0, for linear RGB.
MACHADO_2009 = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
KINDS = tuple(MACHADO_2009)

#: linear sRGB → CIE XYZ (D65), IEC 61966-2-1.
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _RGB_TO_XYZ.sum(axis=1)

_FUNCTIONAL = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)")


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """sRGB values in 0..1 to linear light (the IEC 61966-2-1 curve)."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    """Linear light to sRGB in 0..1; values outside 0..1 are clipped first (the screen can't show them)."""
    values = np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0)
    return np.where(values <= 0.0031308, values * 12.92, 1.055 * values ** (1 / 2.4) - 0.055)


def simulate(rgb: np.ndarray, kind: str) -> np.ndarray:
    """sRGB colours in 0..1 (any shape ending in 3) as someone with ``kind`` of colour blindness sees them."""
    if kind not in MACHADO_2009:
        raise ValueError(f"Unknown colour vision deficiency {kind!r}: choose one of {', '.join(KINDS)}.")
    rgb = np.asarray(rgb, dtype=np.float64)
    if rgb.shape[-1:] != (3,):
        raise ValueError(f"Expected colours with 3 channels in the last axis, got shape {rgb.shape}.")
    return linear_to_srgb(srgb_to_linear(rgb) @ MACHADO_2009[kind].T)


def simulate_image(pixels: np.ndarray, kind: str) -> np.ndarray:
    """A uint8 RGB (or RGBA, alpha kept) picture as someone with ``kind`` of colour blindness sees it."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError(f"Expected a uint8 (height, width, 3 or 4) picture, got {pixels.dtype} {pixels.shape}.")
    if kind not in MACHADO_2009:
        raise ValueError(f"Unknown colour vision deficiency {kind!r}: choose one of {', '.join(KINDS)}.")
    # 256 levels per channel: decode once through a table instead of a power per pixel.
    table = srgb_to_linear(np.arange(256) / 255.0)
    linear = table[pixels[..., :3]] @ MACHADO_2009[kind].T
    out = pixels.copy()
    out[..., :3] = np.round(linear_to_srgb(linear) * 255).astype(np.uint8)
    return out


def parse_colour(text: str) -> np.ndarray:
    """``#rrggbb``, ``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` (alpha ignored) as sRGB in 0..1."""
    text = text.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return np.array([int(text[index:index + 2], 16) for index in (1, 3, 5)], dtype=np.float64) / 255
    match = _FUNCTIONAL.fullmatch(text)
    if match is None:
        raise ValueError(f"Can't read the colour {text!r}: expected #rrggbb, rgb(…) or rgba(…).")
    return np.array([float(part) for part in match.groups()]) / 255


def _stops(scale: str | Sequence) -> tuple[np.ndarray, np.ndarray]:
    stops = plotly.colors.get_colorscale(scale) if isinstance(scale, str) else scale
    positions = np.array([float(position) for position, _ in stops])
    return positions, np.stack([parse_colour(colour) for _, colour in stops])


def colours_at(scale: str | Sequence, positions: np.ndarray) -> np.ndarray:
    """The colours (sRGB, 0..1, shape (n, 3)) of a Plotly colour scale at ``positions`` in 0..1.

    ``scale`` is a name ("Viridis") or [[position, colour], …]; between stops the colour is interpolated
    linearly in sRGB, as Plotly draws it.
    """
    stops, colours = _stops(scale)
    positions = np.clip(np.ravel(np.asarray(positions, dtype=np.float64)), stops[0], stops[-1])
    return np.stack([np.interp(positions, stops, colours[:, channel]) for channel in range(3)], axis=1)


def scale_colours(scale: str | Sequence, count: int = 9) -> np.ndarray:
    """``count`` evenly spaced colours (sRGB, 0..1) of a Plotly colour scale, from its low end to its high end."""
    if count < 2:
        raise ValueError(f"Sample at least 2 colours of a scale, not {count}.")
    return colours_at(scale, np.linspace(0.0, 1.0, count))


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB colours in 0..1 (shape (..., 3)) as CIELAB L*, a*, b* (D65 white)."""
    xyz = srgb_to_linear(rgb) @ _RGB_TO_XYZ.T / _WHITE
    delta = 6 / 29
    f = np.where(xyz > delta ** 3, np.cbrt(xyz), xyz / (3 * delta ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """CIE76 colour difference between sRGB colours (0..1)."""
    return np.linalg.norm(to_lab(first) - to_lab(second), axis=-1)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours in 0..1."""
    return srgb_to_linear(rgb) @ _RGB_TO_XYZ[1]


def contrast_ratio(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """WCAG contrast ratio (1 to 21) between two sRGB colours."""
    one, two = relative_luminance(first), relative_luminance(second)
    return (np.maximum(one, two) + 0.05) / (np.minimum(one, two) + 0.05)
