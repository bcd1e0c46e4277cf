"""Step 9: what the model cannot do. Photos that are neither class, and the same photo sideways or tiny."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.explain.glossary import outputs_text
from core.imaging.resize import resize_for_model
from core.imaging.variants import rotated as sideways  # the same copy the "neither" score is checked on
from core.lesson.checkpoint import StepText, checkpoint
from core.models.registry import NoveltyCard
from core.prediction.answers import cannot_tell, singular, wrongly_flagged
from core.prediction.photo_answer import AnswerTools, PhotoAnswer, answer_pixels
from core.wording.percent import probability_percent, share_percent

#: The side a "tiny" photo is shrunk to before it is enlarged again (as scripts/shifted_test.py does).
TINY_SIDE = 48


def tiny(pixels: np.ndarray, side: int = TINY_SIDE) -> np.ndarray:
    """The photo shrunk to ``side``×``side`` and enlarged back: the detail is gone."""
    return resize_for_model(resize_for_model(pixels, (side, side)), pixels.shape[:2])


@dataclass(frozen=True, eq=False)
class Trial:
    label: str  # "A cup of coffee (neither class)", "Your photo, sideways", ...
    pixels: np.ndarray
    answer: PhotoAnswer  # the Classify page's answer for these pixels: the same percentage and verdict
    kind: str  # "original", "neither", "sideways" or "tiny"


def limits_trials(model: keras.Model, tools: AnswerTools, photo: np.ndarray,
                  neither: dict[str, np.ndarray]) -> list[Trial]:
    """The photo, the photos that are neither class, and the photo sideways and tiny, each with the model's answer."""
    if not neither:
        raise ValueError("Step 9 needs at least one photo that is neither class.")
    labelled = [("Your photo", photo, "original"), *[(name, pixels, "neither") for name, pixels in neither.items()],
                ("Your photo, sideways", sideways(photo), "sideways"),
                (f"Your photo, tiny ({TINY_SIDE} px)", tiny(photo), "tiny")]
    answers = answer_pixels(model, tools, [(label, pixels) for label, pixels, _ in labelled])
    return [Trial(label, pixels, answer, kind) for (label, pixels, kind), answer in zip(labelled, answers)]


def said(answer: PhotoAnswer) -> str:
    """'dog (97%)': the network's top class and the percentage every page shows."""
    return f"{singular(answer.label)} ({probability_percent(answer.confidence)})"


def _change(original: PhotoAnswer, changed: PhotoAnswer, how: str) -> str:
    if changed.index != original.index:
        return f"{how} it flips the answer to {said(changed)}."
    return f"{how} it still says {said(changed)}."


def flag_sentence(novelty: NoveltyCard | None, class_words: str = "cats and dogs") -> str:
    """How well the Classify page's "neither" flag did for this model, from its card; empty without one."""
    if novelty is None or "overall" not in novelty.caught:
        return ""
    if not novelty.shown:
        return " " + cannot_tell(novelty, class_words)
    # One decimal, as the Classify page gives them: 89.5% must not read as a round 90%.
    wrongly = f", and wrongly flagged {wrongly_flagged(novelty, class_words)}" \
        if novelty.test_flag_rate is not None else ""
    caught = share_percent(novelty.caught["overall"], decimals=1)
    return (f" A second score from the network's features (on the Classify page) flags photos unlike its "
            f"training cats and dogs: it caught {caught} of such photos checked{wrongly}.")


def limits_text(trials: list[Trial], novelty: NoveltyCard | None = None, *, output: keras.layers.Dense) -> StepText:
    by_kind = {trial.kind: trial for trial in trials}
    original = by_kind["original"].answer
    neither = [trial for trial in trials if trial.kind == "neither"]
    class_names = [singular(name) for name in original.class_names]
    names = " or ".join(class_names)
    neither_part = "; ".join(f"{trial.label.split(' (')[0].lower()}: {said(trial.answer)}" for trial in neither)
    sentences = (
        f"{outputs_text(output, class_names)}. So every photo gets {names}, even one that is neither: "
        f"{neither_part}." + flag_sentence(novelty, " and ".join(original.class_names)),
        _change(original, by_kind["sideways"].answer,
                f"It learned from upright photos: your photo says {said(original)}; turned sideways,")
        + " " + _change(original, by_kind["tiny"].answer, f"Shrunk to {TINY_SIDE} px and enlarged,"),
        "A high probability is not the same as being right: it only says which of its two answers fits better.",
    )
    first = neither[0]
    question = f"What does the model answer for “{first.label.split(' (')[0].lower()}”?"
    right = singular(first.answer.label)
    wrong = [name for name in class_names if name != right] + ["neither"]
    why = f"It said {said(first.answer)}: its output can only weigh {' against '.join(class_names)}."
    if first.answer.neither:
        why += " Only the app's second score, on the Classify page, flags it as neither."
    return StepText(sentences, checkpoint(question, right, wrong, why, position=2))
