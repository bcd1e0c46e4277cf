"""From a photo to the answer the Classify page and ``python -m core.prediction`` show: one shared path.

Bytes are decoded by :func:`core.imaging.photo.photo_from_bytes` (the page's
own decode), resized by :func:`core.prediction.inputs.model_inputs`, and run
once through the network for its logits and features. The logits, divided by
the card's temperature, give the calibrated percentages; the features give
the "neither cat nor dog" score.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from core.imaging.photo import photo_from_bytes
from core.models.registry import ModelInfo, NoveltyCard
from core.prediction.answers import UNSURE_BELOW, Prediction, cannot_tell, singular, wrongly_flagged
from core.prediction.calibration import (
    Calibration,
    Reliability,
    calibrated_probabilities,
)
from core.prediction.honest import (
    TrackRecord,
    UnsureRule,
    model_gives,
    track_record,
)
from core.prediction.inputs import model_inputs
from core.prediction.novelty import SEPARATE_KINDS, NoveltyScorer, NoveltyVerdict
from core.wording.percent import probability_percent, share_percent

if TYPE_CHECKING:
    import keras

#: What the results table says when the photo does not look like the training photos.
NEITHER = "neither"


@dataclass(frozen=True, eq=False)
class AnswerTools:
    """What a model needs besides its network to answer honestly: its temperature, rules and novelty scorer."""

    class_names: tuple[str, ...]
    temperature: float = 1.0
    unsure_rule: UnsureRule | None = None
    reliability: Reliability | None = None  # test split, calibrated: for "of photos it scores like this"
    scorer: NoveltyScorer | None = None
    validation_flag_rate: float = 0.0
    novelty_card: NoveltyCard | None = None  # what the score caught when it was checked

    @property
    def unsure_below(self) -> float:
        return self.unsure_rule.threshold if self.unsure_rule else UNSURE_BELOW

    @property
    def class_words(self) -> str:
        return " and ".join(self.class_names)

    @property
    def note(self) -> str:
        """Why every photo gets a class, when the app says "not sure", and what the "neither" score does (Markdown)."""
        parts = [(f"The model only knows **{self.class_words}**: its percentages always add up to 100%, so a photo "
                  "of a car or a cup still gets one of them.")]
        if self.unsure_rule is not None:
            parts.append(f"{self.unsure_rule.rule} {self.unsure_rule.sentence}")
        else:
            parts.append(f"Below {UNSURE_BELOW:.0%} for the top class we say *not sure* (this model's percentages "
                         "are not calibrated).")
        card = self.novelty_card
        if card is not None and not card.shown:
            parts.append(cannot_tell(card, self.class_words))
        elif self.scorer is not None and card is not None and card.test_flag_rate is not None:
            caught = card.caught.get("overall")
            kinds = ", ".join(kind.replace("_", "/") for kind in card.caught
                              if kind != "overall" and kind not in SEPARATE_KINDS)
            caught_text = ("" if caught is None else
                           f" caught {share_percent(caught, 1)} of other photos (kinds: {kinds}) and")
            # A score that learned from other photos was checked only on photos it had not learned from.
            when = "when it was checked on photos it had not learned from" if card.outliers_fitted_on else \
                "when it was checked"
            parts.append(f"A second score, from the network's own features, says when a photo doesn't look like the "
                         f"training {self.class_words}: {when}, it{caught_text} wrongly flagged "
                         f"{wrongly_flagged(card, self.class_words)}.")
        return " ".join(parts)


def answer_tools(info: ModelInfo) -> AnswerTools:
    """The tools from the model's card and its statistics file; an old card gives T = 1 and no "neither" score."""
    calibration = info.calibration
    rule = UnsureRule.from_dict(calibration.unsure_rule) if calibration.unsure_rule else None
    if rule is not None and calibration.fitted_on_real:  # chosen on the real fitting half too: say so
        rule = replace(rule, photos=f"validation photos and {calibration.fitted_on_real:,} real photos")
    reliability = Reliability.from_dict(calibration.reliability_after) if calibration.reliability_after else None
    real_bins = (calibration.real or {}).get("reliability_after")
    if real_bins:  # the track record on real photos from other sources, where they were measured
        reliability = Reliability.from_dict(real_bins)
    scorer, flag_rate, card = None, 0.0, None
    if info.novelty is not None and (info.folder / info.novelty.file).is_file():
        card = info.novelty
        if card.shown:  # a score that cannot tell real cats and dogs from other photos gives no verdict
            scorer = NoveltyScorer.load(info.folder / card.file).with_threshold(card.threshold)
            flag_rate = card.validation_flag_rate
    return AnswerTools(tuple(info.class_names), calibration.temperature, rule, reliability, scorer, flag_rate, card)


def calibration_report(info: ModelInfo) -> Calibration | None:
    """The card's calibration for the Training page (reliability diagram before/after and its sentence), if fitted."""
    card = info.calibration
    if not (card.fitted and card.reliability_before and card.reliability_after):
        return None
    return Calibration(card.temperature, card.fitted_on, Reliability.from_dict(card.reliability_before),
                       Reliability.from_dict(card.reliability_after), card.fitted_on_real)


@dataclass(frozen=True)
class PhotoAnswer:
    """One photo's answer: calibrated percentages, the class or "not sure", and the "neither" flag."""

    name: str
    class_names: tuple[str, ...]
    probabilities: tuple[float, ...]  # calibrated, in output order
    raw_probabilities: tuple[float, ...]  # the network's own sigmoid/softmax
    unsure_below: float
    track: TrackRecord | None = None
    novelty: NoveltyVerdict | None = None

    @property
    def prediction(self) -> Prediction:
        """The calibrated percentages as the page's existing Prediction (bars, tables)."""
        return Prediction(self.class_names, self.probabilities)

    # The top class is read one way for every answer: Prediction's.
    @property
    def index(self) -> int:
        return self.prediction.index

    @property
    def label(self) -> str:
        return self.prediction.label

    @property
    def confidence(self) -> float:
        return self.prediction.confidence

    @property
    def unsure(self) -> bool:
        return self.confidence < self.unsure_below  # this model's calibrated line, not the default one

    @property
    def neither(self) -> bool:
        return self.novelty is not None and self.novelty.flagged

    @property
    def answer(self) -> str:
        """'cat', 'not sure' or 'neither': one cell of the results table."""
        if self.neither:
            return NEITHER
        return "not sure" if self.unsure else singular(self.label)

    @property
    def verdict(self) -> str:
        """The heading (Markdown)."""
        if self.neither:
            return f"🤷 Neither a {' nor a '.join(singular(name) for name in self.class_names)}?"
        if self.unsure:
            return "🤔 Not sure"
        return f"It's a **{singular(self.label)}**"

    @property
    def summary(self) -> str:
        """The first sentence under the heading: what the model thinks, in a few words (a flagged photo too)."""
        if self.neither:
            return (f"{self.novelty.headline} Its best guess: {singular(self.label)}, "
                    f"{probability_percent(self.confidence)}.")
        if self.unsure:
            return (f"{model_gives(self.confidence, self.label)[:-1]}, below the "
                    f"{probability_percent(self.unsure_below)} it needs to name a class.")
        return model_gives(self.confidence, self.label)

    @property
    def explanation(self) -> str:
        """The sentences under the heading: the summary and how often such answers were right."""
        if self.neither or self.track is None:
            # The track record counts cats and dogs only: it says nothing about a photo that is neither.
            return self.summary
        return f"{self.summary} {self.track.sentence}"

    @property
    def details(self) -> str:
        """The "neither" score, its line and what the percentages mean here: for the expander under the answer."""
        parts = []
        if self.novelty is not None:
            if not self.neither:
                parts.append(self.novelty.headline)
            parts.append(self.novelty.explanation)
        if self.neither:
            parts.append(f"Its percentages only weigh {' against '.join(singular(n) for n in self.class_names)}, "
                         "so on a photo like this they mean little.")
        return " ".join(parts)

    def csv_row(self) -> list:
        score = "" if self.novelty is None else f"{self.novelty.score:.4g}"
        return [self.name, self.answer, singular(self.label), f"{self.confidence:.4f}", self.unsure,
                "" if self.novelty is None else self.neither, score, *[f"{p:.4f}" for p in self.probabilities]]


def answer_pixels(model: keras.Model, tools: AnswerTools,
                  photos: Sequence[tuple[str, np.ndarray]]) -> list[PhotoAnswer]:
    """Answers for (name, upright RGB pixels) pairs, in one batched run of the network.

    The run is shared with the other sessions that ask at the same moment (:mod:`core.prediction.batching`).
    """
    # Imported here: the Classify page draws its title and uploader before TensorFlow is loaded.
    from core.prediction.batching import shared_batcher
    from core.prediction.features import feature_extractor

    if not photos:
        return []
    inputs = model_inputs([pixels for _, pixels in photos], feature_extractor(model).input_size)
    features = shared_batcher(model)(inputs.astype(np.float32))
    raw = calibrated_probabilities(features.logits, 1.0)
    calibrated = calibrated_probabilities(features.logits, tools.temperature)
    if raw.shape[1] != len(tools.class_names):
        raise ValueError(f"The model gives {raw.shape[1]} probabilities for {len(tools.class_names)} class names.")
    scores = None
    if tools.scorer is not None:
        scores = tools.scorer.scores(features.by_layer[tools.scorer.layer])
    answers = []
    for position, (name, _) in enumerate(photos):
        confidence = float(calibrated[position].max())
        novelty = None if scores is None else NoveltyVerdict(
            float(scores[position]), tools.scorer.threshold, tools.class_words, tools.validation_flag_rate,
            tools.scorer.distance_phrase(float(scores[position])),
            tools.novelty_card.line_set_on if tools.novelty_card is not None else "")
        answers.append(PhotoAnswer(
            name=name, class_names=tools.class_names,
            probabilities=tuple(float(p) for p in calibrated[position]),
            raw_probabilities=tuple(float(p) for p in raw[position]),
            unsure_below=tools.unsure_below,
            track=None if tools.reliability is None else track_record(tools.reliability, confidence),
            novelty=novelty))
    return answers


def answer_bytes(model: keras.Model, tools: AnswerTools, name: str, data: bytes) -> PhotoAnswer:
    """Decode an upload as the Classify page does and answer it; raises ImageLoadError with a one-line message."""
    photo = photo_from_bytes(name, data)
    return answer_pixels(model, tools, [(name, photo.pixels)])[0]


def answers_csv(answers: Sequence[PhotoAnswer]) -> str:
    """The results table as CSV: answer, calibrated probability, "not sure", "neither" and its score."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    class_names = answers[0].class_names if answers else ()
    writer.writerow(["file", "answer", "top_class", "probability", "unsure", "neither", "novelty_score",
                     *[f"p_{name}" for name in class_names]])
    for answer in answers:
        writer.writerow(answer.csv_row())
    return buffer.getvalue()
