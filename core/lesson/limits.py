"""Step 9: what the model cannot do. Photos that are neither class, and the same photo sideways or tiny."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.explain.gradcam import probabilities_from_logits
from core.explain.model_answer import ModelAnswer, model_answer
from core.explain.probe import get_probe, model_input
from core.imaging.resize import resize_for_model
from core.lesson.checkpoint import StepText, checkpoint
from core.models.registry import NoveltyCard
from core.prediction.answers import format_probability, measured_share

#: The side a "tiny" photo is shrunk to before it is enlarged again (as scripts/shifted_test.py does).
TINY_SIDE = 48


def sideways(pixels: np.ndarray) -> np.ndarray:
    """The photo turned a quarter turn, as a phone photo whose rotation tag was lost."""
    return np.ascontiguousarray(np.rot90(pixels))


def tiny(pixels: np.ndarray, side: int = TINY_SIDE) -> np.ndarray:
    """The photo shrunk to ``side``×``side`` and enlarged back: the detail is gone."""
    return resize_for_model(resize_for_model(pixels, (side, side)), pixels.shape[:2])


@dataclass(frozen=True, eq=False)
class Trial:
    label: str  # "A cup of coffee (neither class)", "Your photo, sideways", ...
    pixels: np.ndarray
    answer: ModelAnswer
    kind: str  # "original", "neither", "sideways" or "tiny"


def answers_for(model: keras.Model, class_names: tuple[str, ...], photos: list[np.ndarray]) -> list[ModelAnswer]:
    """The model's probabilities for each photo (from the logits, as Grad-CAM's probe computes them)."""
    probe = get_probe(model)
    batch = np.concatenate([model_input(model, pixels) for pixels in photos])
    logits = keras.ops.convert_to_numpy(probe(batch).logits)
    return [model_answer(class_names, row) for row in probabilities_from_logits(logits)]


def limits_trials(model: keras.Model, class_names: tuple[str, ...], photo: np.ndarray,
                  neither: dict[str, np.ndarray]) -> list[Trial]:
    """The photo, the photos that are neither class, and the photo sideways and tiny, each with the model's answer."""
    if not neither:
        raise ValueError("Step 9 needs at least one photo that is neither class.")
    labelled = [("Your photo", photo, "original"), *[(name, pixels, "neither") for name, pixels in neither.items()],
                ("Your photo, sideways", sideways(photo), "sideways"),
                (f"Your photo, tiny ({TINY_SIDE} px)", tiny(photo), "tiny")]
    answers = answers_for(model, class_names, [pixels for _, pixels, _ in labelled])
    return [Trial(label, pixels, answer, kind) for (label, pixels, kind), answer in zip(labelled, answers)]


def _said(answer: ModelAnswer) -> str:
    return f"{answer.names[answer.predicted]} ({format_probability(answer.probabilities[answer.predicted])})"


def _change(original: ModelAnswer, changed: ModelAnswer, how: str) -> str:
    if changed.predicted != original.predicted:
        return f"{how} it flips the answer to {_said(changed)}."
    return f"{how} it still says {_said(changed)}."


def flag_sentence(novelty: NoveltyCard | None) -> str:
    """How well the Classify page's "neither" flag did for this model, from its card; empty without one."""
    if novelty is None or "overall" not in novelty.caught:
        return ""
    # One decimal, as the Classify page gives them: 89.5% must not read as a round 90%.
    wrongly = f", and wrongly flagged {novelty.test_flag_rate:.1%} of test cats and dogs" \
        if novelty.test_flag_rate is not None else ""
    caught = measured_share(novelty.caught["overall"], decimals=1)
    return (f" A second score from the network's features (on the Classify page) flags photos unlike its "
            f"training cats and dogs: it caught {caught} of such photos checked{wrongly}.")


def limits_text(trials: list[Trial], novelty: NoveltyCard | None = None) -> StepText:
    by_kind = {trial.kind: trial for trial in trials}
    original = by_kind["original"].answer
    neither = [trial for trial in trials if trial.kind == "neither"]
    names = " or ".join(original.names)
    neither_part = "; ".join(f"{trial.label.split(' (')[0].lower()}: {_said(trial.answer)}" for trial in neither)
    sentences = (
        f"The model has only two outputs, so every photo gets {names}, even one that is neither: {neither_part}."
        + flag_sentence(novelty),
        _change(original, by_kind["sideways"].answer,
                f"It learned from upright photos: your photo says {_said(original)}; turned sideways,")
        + " " + _change(original, by_kind["tiny"].answer, f"Shrunk to {TINY_SIDE} px and enlarged,"),
        "A high probability is not the same as being right: it only says which of its two answers fits better.",
    )
    first = neither[0]
    question = f"What does the model answer for “{first.label.split(' (')[0].lower()}”?"
    right = first.answer.names[first.answer.predicted]
    wrong = [name for name in first.answer.names if name != right] + ["neither"]
    why = (f"It said {_said(first.answer)}: with only {names} as outputs it cannot say neither.")
    return StepText(sentences, checkpoint(question, right, wrong, why, position=2))
