"""Simulated red–green colour blindness (Machado et al. 2009), and every colour scale of the app checked with it.

Colour differences are CIE76 ΔE in CIELAB: about 2.3 is just noticeable side by side, 10 is told apart at a
glance, and black against white is 100.
"""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.figures import colour_vision, explain, number_grid
from core.figures.colour_vision import KINDS, delta_e, scale_colours, simulate, to_lab
from ui.lesson import presentation

ROOT = Path(__file__).resolve().parents[3]
VIEWS = (None, *KINDS)  # normal colour vision, then each simulation


def _seen(colours: np.ndarray, kind: str | None) -> np.ndarray:
    return colours if kind is None else simulate(colours, kind)


# --------------------------------------------------------------------------- the simulation itself

@pytest.mark.parametrize("kind", KINDS)
def test_greys_stay_grey(kind):
    # Each row of the published matrices sums to 1 (e.g. 0.367322 + 0.860646 − 0.227968), so R = G = B stays.
    greys = np.array([[0.0] * 3, [0.2] * 3, [0.5] * 3, [0.8] * 3, [1.0] * 3])
    np.testing.assert_allclose(simulate(greys, kind), greys, atol=2e-6)


@pytest.mark.parametrize(("kind", "pure", "expected"), [
    # Linear light of a pure primary is one column of the published matrix; negatives clip to 0 and each channel
    # is encoded with 1.055·x^(1/2.4) − 0.055. Deuteranopia, red: (0.367322, 0.280085, −0.011820) → (163, 144, 0).
    ("deuteranopia", (1, 0, 0), (163, 144, 0)),
    ("deuteranopia", (0, 1, 0), (239, 214, 58)),  # (0.860646, 0.672501, 0.042940)
    ("deuteranopia", (0, 0, 1), (0, 61, 251)),  # (−0.227968, 0.047413, 0.968881): 61.498 and 251.48 round down
    ("protanopia", (1, 0, 0), (109, 95, 0)),  # (0.152286, 0.114503, −0.003882): red turns dark
    ("protanopia", (0, 1, 0), (255, 229, 0)),  # (1.052583, 0.786281, −0.048116)
    ("protanopia", (0, 0, 1), (0, 89, 255)),  # (−0.204868, 0.099216, 1.051998)
])
def test_pure_colours_become_the_published_results(kind, pure, expected):
    seen = np.round(simulate(np.array(pure, dtype=float), kind) * 255)
    assert tuple(int(value) for value in seen) == expected


def test_the_whole_picture_is_simulated_and_its_alpha_kept():
    picture = np.array([[[255, 0, 0, 200], [128, 128, 128, 255]]], dtype=np.uint8)
    seen = colour_vision.simulate_image(picture, "deuteranopia")
    assert seen[0, 0].tolist() == [163, 144, 0, 200]
    assert seen[0, 1].tolist() == [128, 128, 128, 255]
    with pytest.raises(ValueError, match="tritanopia"):
        colour_vision.simulate_image(picture, "tritanopia")


def test_lab_and_contrast_match_the_textbook_values():
    np.testing.assert_allclose(to_lab(np.array([1.0, 0.0, 0.0])), [53.24, 80.09, 67.20], atol=0.01)  # sRGB red
    np.testing.assert_allclose(to_lab(np.array([128, 128, 128]) / 255), [53.59, 0, 0], atol=0.01)
    assert colour_vision.contrast_ratio(np.zeros(3), np.ones(3)) == pytest.approx(21.0)
    np.testing.assert_allclose(colour_vision.parse_colour("rgba(230,97,1,0.5)"), colour_vision.parse_colour("#e66101"))


def test_blue_and_orange_stay_apart_where_red_and_green_merge():
    red, green = colour_vision.parse_colour("#cf222e"), colour_vision.parse_colour("#1a7f37")  # the old ✗ and ✓
    orange, blue = colour_vision.parse_colour(number_grid.SIGN_NEGATIVE), colour_vision.parse_colour(
        number_grid.SIGN_POSITIVE)
    assert delta_e(red, green) > 100 and delta_e(orange, blue) > 100
    for kind in KINDS:
        # Red and green keep less than a quarter of their difference (what is left is mostly lightness) ...
        assert delta_e(simulate(red, kind), simulate(green, kind)) < 25
        # ... while the sign scale's two ends keep at least three quarters of theirs.
        assert delta_e(simulate(orange, kind), simulate(blue, kind)) > 0.75 * delta_e(orange, blue)


# --------------------------------------------------------------------------- every scale the app draws with

def _cv2_viridis(count: int) -> np.ndarray:
    ramp = np.round(np.linspace(0, 255, count)).astype(np.uint8)[None]
    return cv2.applyColorMap(ramp, cv2.COLORMAP_VIRIDIS)[0][:, ::-1] / 255.0  # BGR to RGB


SEQUENTIAL = {  # magnitudes: low to high
    "HEAT": explain.HEAT, "HEAT_OVER_PHOTO": explain.HEAT_OVER_PHOTO, "Cividis": "Cividis",
    "GRAY": explain.GRAY, "GREYS": number_grid.GREYS,  # the picture's own brightness: grey stays grey
}
DIVERGING = {"SIGN_SCALE": number_grid.SIGN_SCALE, "SIGNED": explain.SIGNED}
SAMPLES = 9


def _scale(name: str) -> np.ndarray:
    if name == "VIRIDIS":
        return _cv2_viridis(SAMPLES)
    return scale_colours({**SEQUENTIAL, **DIVERGING}[name], SAMPLES)


def test_every_colour_scale_in_the_app_is_checked_here():
    found = set()
    for path in [*ROOT.joinpath("core").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for expression in re.findall(r"colorscale[\"']?\s*[=:]\s*([^,\n]+)", text):
            found.update(name for pair in re.findall(r"\"(\w+)\"|\b([A-Z][A-Z_]+)\b", expression)
                         for name in pair if name)
        found.update(re.findall(r"sample_colorscale\(\"(\w+)\"", text))
        found.update(re.findall(r"COLORMAP_(\w+)", text))
    assert found <= {*SEQUENTIAL, *DIVERGING, "VIRIDIS"}, "add the new scale to SEQUENTIAL or DIVERGING"
    assert {"SIGN_SCALE", "HEAT", "VIRIDIS", "Cividis"} <= found


@pytest.mark.parametrize("kind", VIEWS)
@pytest.mark.parametrize("name", [*SEQUENTIAL, "VIRIDIS"])
def test_a_magnitude_scale_reads_from_low_to_high(name, kind):
    colours = _seen(_scale(name), kind)
    lightness = to_lab(colours)[:, 0]
    # Lightness alone orders the scale, so the order survives any colour vision (and a grey printout) ...
    assert np.all(np.diff(lightness) > 0)
    # ... each eighth of the range is a visible step (twice the just-noticeable 2.3; the greys' steps are ~9) ...
    assert delta_e(colours[:-1], colours[1:]).min() > 5
    # ... and the ends are as far apart as black and mid-grey at least.
    assert delta_e(colours[0], colours[-1]) > 60


@pytest.mark.parametrize("kind", VIEWS)
@pytest.mark.parametrize("name", DIVERGING)
def test_a_signed_scale_keeps_negative_zero_and_positive_apart(name, kind):
    colours = _seen(_scale(name), kind)
    middle = SAMPLES // 2
    lightness = to_lab(colours)[:, 0]
    # Lightest at 0, darker the larger the number on either side: the size of a number reads without hue ...
    assert np.all(np.diff(lightness[:middle + 1]) > 0) and np.all(np.diff(lightness[middle:]) < 0)
    # ... each end is far from the white middle (about as far as black from mid-grey) ...
    assert delta_e(colours[0], colours[middle]) > 50 and delta_e(colours[-1], colours[middle]) > 50
    # ... and the sign reads from hue even for half the largest number, where lightness is about equal.
    assert delta_e(colours[middle // 2], colours[middle + (SAMPLES - middle) // 2]) > 40
    assert delta_e(colours[0], colours[-1]) > 60


@pytest.mark.parametrize("kind", VIEWS)
def test_the_lessons_tinted_cells_stay_apart(kind):
    # The lesson's tables tint a cell's background (the number itself is written on it, with its sign).
    tints = {}
    for name in ("neg", "pos"):
        red, green, blue, alpha = re.search(rf"td\.{name} {{ background: rgba\((\d+), (\d+), (\d+), ([\d.]+)\)",
                                            presentation.LESSON_CSS).groups()
        tints[name] = (1 - float(alpha)) + float(alpha) * np.array([int(red), int(green), int(blue)]) / 255
    negative, positive = _seen(tints["neg"], kind), _seen(tints["pos"], kind)
    # Faint on purpose, so black text keeps its contrast; still apart at a glance (ΔE over 10) from each other and
    # from the white of a cell that holds 0.
    assert delta_e(negative, positive) > 10
    assert delta_e(negative, np.ones(3)) > 10 and delta_e(positive, np.ones(3)) > 10


def test_weights_and_signed_maps_are_drawn_orange_white_blue_around_zero():
    grid = explain.kernel_grid_figure(np.array([[[[-0.5, 0.0], [0.25, 0.5]]]]), "Weights")
    heatmap = grid.data[0]
    assert [colour for _, colour in heatmap.colorscale] == ["#e66101", "#fdb863", "#f7f7f7", "#92c5de", "#2166ac"]
    assert (heatmap.zmin, heatmap.zmid, heatmap.zmax) == (-0.5, 0, 0.5)
    signed_map = explain.feature_map_figure(np.array([[-2.0, 1.0], [0.0, 2.0]]), "map").data[0]
    assert signed_map.colorscale == heatmap.colorscale and (signed_map.zmin, signed_map.zmax) == (-2.0, 2.0)
    assert explain.feature_map_figure(np.array([[0.0, 1.0]]), "map").data[0].colorscale[0][1] == "#440154"  # Viridis
