"""The smallest nudge that flips the answer: the fast gradient sign method (FGSM, Goodfellow et al. 2015).

The gradient of the answer's class score (:func:`core.explain.scores.class_score`, the logit) with respect to
every pixel number (0..255) says which way each number would raise the score. FGSM moves every number ε pixel
levels the other way, ``clip(x − ε·sign(gradient), 0, 255)``, then asks the model again. Every ε on the grid is run
in one batched call; the smallest one whose answer differs is the nudge the page shows. The percentages are the
Classify page's calibrated ones (:func:`core.explain.fragility.calibrated`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import keras
import numpy as np
import tensorflow as tf

from core.arithmetic.numbers import format_count
from core.explain.fragility import AnswersAlong, calibrated, change_sentence, model_logits, model_photo
from core.explain.scores import class_score
from core.models.probe import get_probe
from core.prediction.answers import singular
from core.prediction.calibration import calibrated_probabilities
from core.wording.percent import probability_percent

if TYPE_CHECKING:
    from core.prediction.photo_answer import AnswerTools

#: The nudges tried, in pixel levels: whole numbers, so every nudged photo is still a photo of whole numbers.
EPSILONS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32)

#: The largest nudge (its changes are kept as 8-bit numbers) and the most pushes one nudge may take.
MAX_EPSILON = 100
MAX_STEPS = 20

#: A nudge of at most this many levels in 255 (1.6%) is hard to see even beside the photo on a screen.
HARD_TO_SEE = 4

#: The magnified difference fills this many levels either side of grey at the nudge shown.
DIFFERENCE_SPAN = 120


@dataclass(frozen=True, eq=False)
class Nudge(AnswersAlong):
    """The photo nudged by every ε on the grid, and the model's calibrated answer to each."""

    class_names: tuple[str, ...]
    photo: np.ndarray  # (H, W, 3) uint8: the photo as the network receives it
    direction: np.ndarray  # (H, W, 3) int8: −sign of the gradient of the answer's score at the photo
    epsilons: tuple[float, ...]
    changes: np.ndarray  # (len(epsilons), H, W, 3) int8: what each nudge added to each number
    scores: np.ndarray  # (len(epsilons),) the answer's class score (logit) at each ε
    probabilities: np.ndarray  # (len(epsilons), classes), calibrated
    steps: int = 1  # 1: one push (FGSM); more: that many smaller pushes, each kept within ε of the photo

    @property
    def values(self) -> tuple[float, ...]:
        return self.epsilons

    @property
    def neutral(self) -> float:
        return 0  # ε = 0, the unchanged photo, is always the first nudge

    def format_value(self, value: float) -> str:
        return f"ε = {value:g}"

    @property
    def smallest_flip(self) -> float | None:
        """The smallest ε on the grid whose nudged photo gets another answer (None: none up to the largest)."""
        return next((epsilon for epsilon in self.epsilons if self.flips(epsilon)), None)

    def nudged(self, epsilon: float) -> np.ndarray:
        """The nudged photo (uint8: whole numbers, as a saved photo holds them)."""
        return (self.photo.astype(np.int16) + self.changes[self.position(epsilon)]).astype(np.uint8)

    def moved(self, epsilon: float) -> int:
        """How many of the photo's numbers the nudge changed (one at 0 or 255 already may not move)."""
        return int(np.count_nonzero(self.changes[self.position(epsilon)]))

    def difference(self, epsilon: float) -> tuple[np.ndarray, float]:
        """(the nudge magnified around grey as a photo, the magnification): brighter = raised, darker = lowered."""
        change = self.changes[self.position(epsilon)].astype(np.float32)
        largest = float(np.abs(change).max())
        magnification = DIFFERENCE_SPAN / largest if largest > 0 else 1.0
        return np.clip(np.rint(128 + magnification * change), 0, 255).astype(np.uint8), magnification

    def sentence(self, epsilon: float) -> str:
        """What the nudge of ``epsilon`` did, with the numbers; 'flips' only when the answer changed."""
        unchanged = self.probabilities[0]
        if epsilon == 0:
            return (f"Unchanged, the model gives it {probability_percent(float(unchanged[self.original]))} "
                    f"{singular(self.class_names[self.original])}, as on the Classify page.")
        smallest = ": the smallest step a photo's whole numbers can take" if epsilon == 1 else ""
        words = (f"After a nudge of ε = {epsilon:g} ({format_count(self.moved(epsilon))} of the photo's "
                 f"{format_count(self.photo.size)} numbers moved by up to {levels(epsilon)} of 255, "
                 f"{epsilon / 255:.1%} of the range{smallest})")
        return change_sentence(words, self.class_names, unchanged, self.probabilities[self.position(epsilon)])

    @property
    def summary(self) -> str:
        smallest = self.smallest_flip
        if smallest is None:
            largest = max(self.epsilons)
            lowest = int(np.argmin(self.original_share))
            return (f"No nudge up to ε = {largest:g} flips the answer: at ε = {largest:g} it still says "
                    f"{self.said(largest)}. The lowest {singular(self.class_names[self.original])} got was "
                    f"{probability_percent(float(self.original_share[lowest]))}, at ε = {self.epsilons[lowest]:g}.")
        seen = (f" A push of at most {HARD_TO_SEE} levels in 255 is hard to see even side by side (compare the first "
                "two photos), yet the answer changed.") if smallest <= HARD_TO_SEE else ""
        return (f"The smallest nudge that flips the answer is ε = {levels(smallest)}: no number moved by more than "
                f"{smallest:g} of 255, and the model says {self.said(smallest)} instead of {self.said(0)}.{seen}")


def levels(epsilon: float) -> str:
    """'1 level', '2.5 levels'."""
    return f"{epsilon:g} level" + ("" if epsilon == 1 else "s")


def score_gradients(model: keras.Model, batch: np.ndarray, class_index: int | None = None) -> tuple[np.ndarray, int]:
    """(d score / d pixel for every photo of the batch (pixels 0..255), the class): the first photo's top class
    unless ``class_index`` is given."""
    probe = get_probe(model)
    tensor = tf.convert_to_tensor(np.asarray(batch, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        logits = probe(tensor).logits
        if class_index is None:
            class_index = int(np.argmax(calibrated_probabilities(keras.ops.convert_to_numpy(logits)[:1], 1.0)[0]))
        score = keras.ops.sum(class_score(logits, class_index))
    return keras.ops.convert_to_numpy(tape.gradient(score, tensor)), class_index


def pushed(model: keras.Model, photo: np.ndarray, epsilons: tuple[float, ...],
           steps: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(the photo nudged by every ε, the first push's direction): one push of ε (FGSM), or ``steps`` pushes of
    2.5·ε/steps, each kept within ε of the photo (the basic iterative method); in 0..255, rounded to whole numbers."""
    if int(steps) != steps or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"The nudge takes 1 to {MAX_STEPS} pushes, got {steps}.")
    clean = photo.astype(np.float32)[None]
    sizes = np.asarray(epsilons, np.float32)[:, None, None, None]
    gradients, top = score_gradients(model, clean)
    direction = (-np.sign(gradients[0])).astype(np.int8)
    batch = np.clip(clean + sizes * direction, 0, 255)
    if steps > 1:
        batch = np.repeat(clean, len(epsilons), axis=0)
        for _ in range(int(steps)):
            gradients, _ = score_gradients(model, batch, top)
            batch = np.clip(batch - 2.5 * sizes / steps * np.sign(gradients), clean - sizes, clean + sizes)
            batch = np.clip(batch, 0, 255)
    return np.rint(batch), direction


def nudge(model: keras.Model, tools: AnswerTools, pixels: np.ndarray,
          epsilons: tuple[float, ...] = EPSILONS, steps: int = 1) -> Nudge:
    """FGSM against the photo's answer at every ε (pixel levels), all run through the model in one batched call.

    ``steps`` > 1 pushes that many times (one batched gradient per push) instead of once.
    """
    epsilons = tuple(float(epsilon) for epsilon in epsilons)
    if not epsilons or epsilons[0] != 0 or list(epsilons) != sorted(set(epsilons)):
        raise ValueError(f"The nudges must be increasing numbers of pixel levels starting at 0 (the unchanged "
                         f"photo), got {', '.join(f'{e:g}' for e in epsilons) or 'none'}.")
    photo = model_photo(model, pixels)
    if max(epsilons) > MAX_EPSILON:
        raise ValueError(f"A nudge is at most {MAX_EPSILON} pixel levels, got {max(epsilons):g}.")
    photo = model_photo(model, pixels)
    batch, direction = pushed(model, photo, epsilons, steps)
    logits = model_logits(model, batch)
    probabilities = calibrated(logits, tools)
    original = int(np.argmax(probabilities[0]))  # the class the gradient was taken of (temperature keeps the order)
    return Nudge(tuple(tools.class_names), photo, direction, epsilons,
                 (batch - photo.astype(np.float32)).astype(np.int8),
                 np.asarray(class_score(logits, original), dtype=np.float64), probabilities, int(steps))
