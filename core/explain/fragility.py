"""How fragile is the answer? The photo changed a little at a time, and the model's percentage after each change.

Five changes a student can drag: noise, a turn, shrinking (and enlarging back), brightness and a grey square over
part of the photo. Each is a pure function on the photo as the network receives it (its ``network_input``, 0..255),
and a :class:`Sweep` runs every value of one control through the model in one batched call. The percentages are
the app's calibrated ones (the logits divided by the model card's temperature, as :mod:`core.prediction.photo_answer`
computes them), so the unchanged photo gets the Classify page's percentage. The smallest gradient nudge that flips
the answer is :mod:`core.explain.fgsm`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from core.imaging.resize import network_input, resize_for_model
from core.prediction.answers import singular
from core.prediction.calibration import calibrated_probabilities
from core.wording.percent import probability_percent

if TYPE_CHECKING:
    from core.prediction.photo_answer import AnswerTools

#: The grey a covering square is painted with: the middle of 0..255, neither dark nor bright.
COVER_GREY = 128

#: Where a covering square can sit: its row and column anchor (0 top/left, 1 middle, 2 bottom/right).
PLACES = {"top left": (0, 0), "top": (0, 1), "top right": (0, 2), "left": (1, 0), "middle": (1, 1),
          "right": (1, 2), "bottom left": (2, 0), "bottom": (2, 1), "bottom right": (2, 2)}


def _checked(pixels: np.ndarray) -> np.ndarray:
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[-1] != 3 or 0 in pixels.shape:
        raise ValueError(f"Expected an (height, width, 3) RGB photo, got shape {pixels.shape}.")
    return pixels


def _as_photo(values: np.ndarray) -> np.ndarray:
    """Rounded and clipped to 0..255 whole numbers: a photo that could be saved, as the network receives one."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def add_noise(pixels: np.ndarray, level: float, seed: int = 0) -> np.ndarray:
    """Gaussian noise with a spread of ``level`` pixel levels on every number; the same ``seed``, the same noise."""
    pixels = _checked(pixels)
    if not level >= 0:
        raise ValueError(f"The noise level cannot be negative, got {level}.")
    if level == 0:
        return pixels.astype(np.uint8, copy=True)
    noise = np.random.default_rng(seed).standard_normal(pixels.shape)
    return _as_photo(pixels.astype(np.float64) + level * noise)


def rotate(pixels: np.ndarray, degrees: float) -> np.ndarray:
    """The photo turned ``degrees`` counter-clockwise about its centre; the corners it uncovers mirror the edge.

    Quarter turns of a square photo are exact (no pixel is blended).
    """
    pixels = _checked(pixels).astype(np.uint8, copy=False)
    turns, rest = divmod(float(degrees), 90.0)
    if rest == 0 and (int(turns) % 2 == 0 or pixels.shape[0] == pixels.shape[1]):
        return np.ascontiguousarray(np.rot90(pixels, int(turns) % 4))
    height, width = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), float(degrees), 1.0)
    return cv2.warpAffine(np.ascontiguousarray(pixels), matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT_101)


def shrink(pixels: np.ndarray, side: int) -> np.ndarray:
    """The photo shrunk to ``side``×``side`` pixels and enlarged back: the detail finer than that is gone."""
    pixels = _checked(pixels)
    full = max(pixels.shape[:2])
    if not 1 <= int(side) <= full or int(side) != side:
        raise ValueError(f"The photo can be shrunk to a whole number of pixels from 1 to {full}, got {side}.")
    if int(side) == full:
        return pixels.astype(np.uint8, copy=True)
    return resize_for_model(resize_for_model(pixels, (int(side), int(side))), pixels.shape[:2])


def brighten(pixels: np.ndarray, factor: float) -> np.ndarray:
    """Every number multiplied by ``factor`` (0.5: half as bright), clipped to 255."""
    pixels = _checked(pixels)
    if not factor >= 0:
        raise ValueError(f"The brightness factor cannot be negative, got {factor}.")
    return _as_photo(pixels.astype(np.float64) * float(factor))


def square_box(shape: tuple[int, ...], share: float, place: str) -> tuple[int, int, int]:
    """(top, left, side) of a square ``share`` of the photo's shorter side wide, at ``place`` ("top left", …)."""
    if place not in PLACES:
        raise ValueError(f"A square can sit at {', '.join(PLACES)}; got {place!r}.")
    if not 0 <= share <= 1:
        raise ValueError(f"The square covers a share from 0 to 1 of the photo's side, got {share}.")
    height, width = shape[:2]
    side = int(round(share * min(height, width)))
    row, column = PLACES[place]
    return (height - side) * row // 2, (width - side) * column // 2, side


def cover(pixels: np.ndarray, share: float, place: str = "middle") -> np.ndarray:
    """A grey square (``COVER_GREY``) over ``share`` of the photo's side at ``place``."""
    pixels = _checked(pixels).astype(np.uint8, copy=True)
    top, left, side = square_box(pixels.shape, share, place)
    pixels[top:top + side, left:left + side] = COVER_GREY
    return pixels


@dataclass(frozen=True)
class Control:
    """One change a student can drag: the values swept and the one that leaves the photo as it is."""

    key: str  # "noise", "rotation", "shrink", "brightness", "cover"
    label: str  # the slider's label
    values: tuple[float, ...]  # the values tried, in the slider's order
    neutral: float  # the value that changes nothing
    unit: str  # how a value is written: a format with {value}
    change: str  # what a value does, for a sentence: 'with noise of spread {value}'
    as_percent: bool = False  # a share, written '30%'

    def format(self, value: float) -> str:
        return self.unit.format(value=f"{value:.0%}" if self.as_percent else f"{value:g}")

    def words(self, value: float) -> str:
        return self.change.format(value=self.format(value))


#: The shrink control's sides below the full one (those smaller than the model's input are used).
SHRINK_SIDES = (192, 128, 96, 64, 48, 32, 24, 16, 12, 8)


def control(key: str, full_side: int = 0) -> Control:
    """The control named ``key``; shrinking starts at ``full_side``, the model's input side."""
    if key == "noise":
        return Control(key, "Noise (spread in pixel levels)", (0, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128), 0,
                       "{value}", "with noise of spread {value} pixel levels")
    if key == "rotation":
        return Control(key, "Turn (degrees, counter-clockwise)",
                       (-180, -135, -90, -60, -45, -30, -15, 0, 15, 30, 45, 60, 90, 135, 180), 0, "{value}°",
                       "turned {value}")
    if key == "shrink":
        if full_side < 2:
            raise ValueError(f"Shrinking needs the model's input side (at least 2 pixels), got {full_side}.")
        return Control(key, "Shrunk to (pixels a side), then enlarged back",
                       (full_side, *[side for side in SHRINK_SIDES if side < full_side]), full_side, "{value} px",
                       "shrunk to {value} and enlarged back")
    if key == "brightness":
        return Control(key, "Brightness (× every pixel)",
                       (0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 2.5, 3), 1, "×{value}",
                       "with brightness {value}")
    if key == "cover":
        return Control(key, "Grey square (share of the side)", (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), 0,
                       "{value}", "with a grey square {value} of the side wide", as_percent=True)
    raise ValueError(f"Unknown change {key!r}: choose one of {', '.join(CONTROL_KEYS)}.")


CONTROL_KEYS = ("noise", "rotation", "shrink", "brightness", "cover")


def perturbation(key: str, *, seed: int = 0, place: str = "middle") -> Callable[[np.ndarray, float], np.ndarray]:
    """The function (photo, value) -> changed photo for control ``key``."""
    if key == "noise":
        return lambda pixels, value: add_noise(pixels, value, seed)
    if key == "rotation":
        return rotate
    if key == "shrink":
        return lambda pixels, value: shrink(pixels, int(value))
    if key == "brightness":
        return brighten
    if key == "cover":
        if place not in PLACES:
            raise ValueError(f"A square can sit at {', '.join(PLACES)}; got {place!r}.")
        return lambda pixels, value: cover(pixels, value, place)
    raise ValueError(f"Unknown change {key!r}: choose one of {', '.join(CONTROL_KEYS)}.")


def model_photo(model, pixels: np.ndarray) -> np.ndarray:
    """The photo as the network receives it on the Classify page: ``network_input`` at the model's input size."""
    from core.prediction.features import feature_extractor

    return network_input(_checked(pixels), feature_extractor(model).input_size)


def model_logits(model, batch: np.ndarray) -> np.ndarray:
    """(N, units) logits for a batch of model-sized photos, in one run of the traced network every answer uses."""
    from core.prediction.features import feature_extractor

    return feature_extractor(model)(np.asarray(batch, dtype=np.float32)).logits


def said(class_names: Sequence[str], probabilities: np.ndarray) -> str:
    """'dog (97%)': the top class and the percentage every page shows."""
    index = int(np.argmax(probabilities))
    return f"{singular(class_names[index])} ({probability_percent(float(probabilities[index]))})"


def change_sentence(words: str, class_names: Sequence[str], unchanged: np.ndarray, changed: np.ndarray) -> str:
    """'Turned 90°, the answer flips from cat (66%) to dog (69%).', or '…, it still says cat: 59%, against 66%
    unchanged.': 'flips' only when the top class changed."""
    before, after = int(np.argmax(unchanged)), int(np.argmax(changed))
    if after != before:
        return f"{words}, the answer flips from {said(class_names, unchanged)} to {said(class_names, changed)}."
    return (f"{words}, it still says {singular(class_names[after])}: {probability_percent(float(changed[after]))}, "
            f"against {probability_percent(float(unchanged[before]))} unchanged.")


class AnswersAlong:
    """The model's answers along a row of tried values (a control's, or the nudges' ε): what both records share.

    A subclass holds ``class_names`` and ``probabilities`` (one row per value) and says which values it tried,
    which one leaves the photo unchanged, and how a value is written.
    """

    class_names: tuple[str, ...]
    probabilities: np.ndarray

    @property
    def values(self) -> tuple[float, ...]:
        raise NotImplementedError

    @property
    def neutral(self) -> float:
        raise NotImplementedError

    def format_value(self, value: float) -> str:
        raise NotImplementedError

    def position(self, value: float) -> int:
        if value not in self.values:
            raise ValueError(f"{self.format_value(value)} is not one of the values tried "
                             f"({', '.join(self.format_value(v) for v in self.values)}).")
        return self.values.index(value)

    @property
    def original(self) -> int:
        """The class the unchanged photo gets."""
        return int(np.argmax(self.probabilities[self.position(self.neutral)]))

    @property
    def original_share(self) -> np.ndarray:
        """The unchanged photo's class's percentage at every value (the curve)."""
        return self.probabilities[:, self.original]

    def answer(self, value: float) -> int:
        return int(np.argmax(self.probabilities[self.position(value)]))

    def flips(self, value: float) -> bool:
        return self.answer(value) != self.original

    def said(self, value: float) -> str:
        return said(self.class_names, self.probabilities[self.position(value)])


@dataclass(frozen=True, eq=False)
class Sweep(AnswersAlong):
    """The model's calibrated percentages for every value of one control, on one photo."""

    control: Control
    class_names: tuple[str, ...]
    probabilities: np.ndarray  # (len(values), classes), calibrated
    place: str = "middle"

    @property
    def values(self) -> tuple[float, ...]:
        return self.control.values

    @property
    def neutral(self) -> float:
        return self.control.neutral

    def format_value(self, value: float) -> str:
        return self.control.format(value)

    @property
    def flipping_values(self) -> tuple[float, ...]:
        return tuple(value for value in self.values if self.flips(value))

    def nearest_flip(self) -> float | None:
        """The flipping value closest to the unchanged photo along the slider (None: no value flips it)."""
        neutral = self.position(self.control.neutral)
        flipping = self.flipping_values
        return min(flipping, key=lambda value: abs(self.position(value) - neutral)) if flipping else None

    def sentence(self, value: float) -> str:
        """What the value the student chose does to the answer, with the numbers."""
        unchanged = self.probabilities[self.position(self.control.neutral)]
        if value == self.control.neutral:
            return (f"Unchanged, the model gives it {probability_percent(float(unchanged[self.original]))} "
                    f"{singular(self.class_names[self.original])}, as on the Classify page.")
        words = self.control.words(value)
        return change_sentence(words[0].upper() + words[1:], self.class_names, unchanged,
                               self.probabilities[self.position(value)])

    @property
    def summary(self) -> str:
        """Whether any value tried flips the answer: the nearest one and how many, or the range it stayed in."""
        first, last = self.control.format(self.values[0]), self.control.format(self.values[-1])
        flipping = self.flipping_values
        name = singular(self.class_names[self.original])
        if not flipping:
            shares = self.original_share
            return (f"None of the {len(self.values)} values from {first} to {last} flips the answer: it stays "
                    f"{name}, between {probability_percent(float(shares.min()))} and "
                    f"{probability_percent(float(shares.max()))}.")
        nearest = self.nearest_flip()
        verb = "flips" if len(flipping) == 1 else "flip"
        return (f"{len(flipping)} of the {len(self.values)} values from {first} to {last} {verb} the answer; the "
                f"nearest to the unchanged photo is {self.control.format(nearest)}, where it says "
                f"{self.said(nearest)}.")


def sweep(model, tools: AnswerTools, pixels: np.ndarray, key: str, *, seed: int = 0, place: str = "middle") -> Sweep:
    """Every value of control ``key`` applied to the photo and run through the model in one batched call.

    ``tools`` are the Classify page's (:func:`core.prediction.photo_answer.answer_tools`): its temperature and names.
    """
    photo = model_photo(model, pixels)
    chosen = control(key, max(photo.shape[:2]))
    change = perturbation(key, seed=seed, place=place)
    batch = np.stack([change(photo, value) for value in chosen.values])
    return Sweep(chosen, tuple(tools.class_names), calibrated(model_logits(model, batch), tools), place)


def calibrated(logits: np.ndarray, tools: AnswerTools) -> np.ndarray:
    """(N, classes) percentages as the Classify page gives them: the logits divided by the card's temperature."""
    probabilities = calibrated_probabilities(logits, tools.temperature)
    if probabilities.shape[1] != len(tools.class_names):
        raise ValueError(f"The model gives {probabilities.shape[1]} probabilities for "
                         f"{len(tools.class_names)} class names.")
    return probabilities
