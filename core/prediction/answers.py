"""The words and numbers every answer shares: class names, percentages, the model card and the "neither" record.

The Classify page's own answer (calibrated, with "not sure" and "neither") is
:mod:`core.prediction.photo_answer`; this module holds what it and the other
pages word alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.arithmetic.numbers import TIMES, format_count
from core.wording.percent import share_percent

if TYPE_CHECKING:  # only for the type: the figures import this module and need no Keras
    from core.models.registry import ModelInfo, NoveltyCard

#: Below this top-class probability the app says "not sure", for a model without a calibrated rule on its card.
UNSURE_BELOW = 0.65

SINGULAR = {"cats": "cat", "dogs": "dog"}


def singular(class_name: str) -> str:
    """'cats' -> 'cat' for sentences; other names unchanged."""
    return SINGULAR.get(class_name, class_name)


@dataclass(frozen=True)
class Prediction:
    """One photo's probability of every class, in output order: what the probability bars show."""

    class_names: tuple[str, ...]
    probabilities: tuple[float, ...]

    @property
    def index(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def label(self) -> str:
        return self.class_names[self.index]

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.index])

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW

    @property
    def chosen(self) -> int | None:
        """The class to highlight: the answer, or none when the model is not sure."""
        return None if self.unsure else self.index


#: The kinds of "other" photo on a model card, as sentences name them (any other kind: its folder name).
KIND_WORDS = {"animals": "other animals", "objects_scenes": "objects and scenes", "people": "people",
              "bigcats": "big cats"}

#: Below this share of other photos caught, the sentence adds that most of them get no flag.
WEAK_FLAG = 0.5


def wrongly_flagged(card: NoveltyCard, class_words: str) -> str:
    """'2.2% of the 1,000 test cats and dogs (256 px, like the training photos) and 1.3% of 150 real photos ...'."""
    def share(value: float) -> str:
        return "none" if value == 0 else share_percent(value, decimals=1)

    text = f"{share(card.test_flag_rate or 0.0)} of the test {class_words} (photos shrunk like the training ones)"
    real = card.real or {}
    if real.get("flagged"):
        text += (f" and {share(real['flagged']['colour'])} of {format_count(real['count'])} real photos of "
                 f"{class_words} from other sources")
    return text


def cannot_tell(card: NoveltyCard, class_words: str) -> str:
    """Why a model whose flag cannot separate real photos gives no "neither" verdict, in plain words."""
    real = card.real or {}
    measured = ""
    if real:
        measured = (f" When it was checked on {format_count(real['count'])} real photos of {class_words} and photos "
                    f"of other things, its score told them apart only {share_percent(real['auroc'])} of the time"
                    f" (a coin toss is 50%) and would have flagged {share_percent(real['flagged']['colour'])} of "
                    f"the {class_words}.")
    return (f"This model cannot tell a photo of something else from {class_words}: it gives every photo one of its "
            f"classes.{measured} So the app shows no \"neither\" verdict for it.")


def flag_record(card: NoveltyCard | None, class_words: str, flagged: bool = True) -> str:
    """How well this model's "neither" flag did when it was checked, from its card, for one photo ('' if none).

    Under a flagged photo it always says how often the flag was wrong. Under an
    unflagged one it is needed only when the flag is weak (it missed most other
    photos), where "this looks like the cats and dogs I learned from" proves
    little; the page's note already gives the strong flag's numbers.
    """
    if card is None:
        return ""
    overall = card.caught.get("overall")
    if not flagged and (overall is None or overall >= WEAK_FLAG):
        return ""
    from core.prediction.novelty import SEPARATE_KINDS  # here: the bar figures import this module without SciPy

    def named(kind: str) -> str:
        return KIND_WORDS.get(kind, kind.replace("_", " "))

    kinds = {kind: share for kind, share in card.caught.items() if kind != "overall"}
    details = ", ".join(f"{named(kind)} {share_percent(share)}"
                        for kind, share in kinds.items() if kind not in SEPARATE_KINDS)
    apart = "; ".join(f"{named(kind)}, counted apart, {share_percent(share)}"
                      for kind, share in kinds.items() if kind in SEPARATE_KINDS)
    details = "; ".join(part for part in (details, apart) if part)
    if not card.shown:  # no photo is flagged; the page's note says why (cannot_tell)
        return ""
    wrongly = None
    if card.test_flag_rate is not None:
        wrongly = f"it wrongly flagged {wrongly_flagged(card, class_words)}"
    if overall is None:
        return "" if wrongly is None else f"When this model's \"neither\" flag was checked, {wrongly}."
    sentence = (f"When this model's \"neither\" flag was checked on photos of other things, it caught "
                f"{share_percent(overall, decimals=1)} of them" + (f" ({details})" if details else "")
                + ("" if wrongly is None else f", and {wrongly}") + ".")
    if overall < WEAK_FLAG:
        sentence += " So most photos of other things get no flag from it."
    if card.outliers_fitted_on:
        sentence += (f" It learned what \"other\" looks like from {format_count(card.outliers_fitted_on)} such photos "
                     "and was measured only on photos it had not learned from, but a kind of thing unlike all of "
                     "them may be caught less often.")
    return sentence


def model_card_text(info: ModelInfo) -> str:
    """The model's card in short paragraphs (Markdown): input, size, classes, training data, and its calibration."""
    card = info.card
    height, width = info.input_size
    text = (
        f"**{info.title}** · input {height}{TIMES}{width} RGB · "
        f"{format_count(card.get('parameters', 0))} parameters · classes: {', '.join(info.class_names)}\n\n"
        f"Trained on: {card.get('dataset', 'unknown')}. {card.get('dataset_licence', '')}"
    )
    base = card.get("base") or {}
    if base.get("fine_tuned_layers"):
        text += (f"\n\nFine-tuned: {base.get('fine_tuning', 'some layers of its base')}. The changed layers are "
                 f"{', '.join(base['fine_tuned_layers'])} ({format_count(base.get('fine_tuned_parameters', 0))} "
                 "weights, shipped as the project's own); the rest of the base is ImageNet's.")
    calibration = info.calibration
    if calibration.fitted:
        real = calibration.fitted_on_real
        fitted = (f"{calibration.fitted_on:,} validation photos" if not real else
                  f"{calibration.fitted_on - real:,} validation photos and {real:,} real photos from other sources")
        text += (f"\n\nIts percentages are calibrated: its final scores are divided by T = "
                 f"{calibration.temperature:.2f}, fitted on {fitted} (the Training page's Calibration tab shows what "
                 "that changed).")
        accuracy = (calibration.real or {}).get("accuracy") or {}
        if accuracy:
            text += (f"\n\nOn {format_count(calibration.real['count'])} real photos from other sources, never used "
                     f"to fit or choose anything, it was right on {share_percent(accuracy['colour'], 1)} "
                     f"({share_percent(accuracy.get('greyscale', 0.0), 1)} in greyscale).")
    return text
