"""Honest words for a calibrated percentage: what the model gives a photo, and how often such answers are right.

"97% sure" claims a certainty a network does not have. These sentences say
what was measured instead: the (calibrated) percentage the model gives, how
often photos it scored like that were right on a held-out split, and below
which percentage the app says "not sure", chosen from the validation photos.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.prediction.answers import singular
from core.prediction.calibration import Reliability
from core.wording.percent import probability_percent, share_percent

#: "Not sure" below the score where fewer than this share of validation photos were right.
UNSURE_MIN_ACCURACY = 0.8

#: Width of the score bands the "not sure" rule looks at (top-class probability, 0.5 to 1 for two classes).
UNSURE_BAND = 0.05

#: A band (or reliability bin) with fewer photos is too thin to say anything about.
MIN_EVIDENCE = 10

#: Below this many photos a track record is given as counts ("6 of 12 were right"), not "about 50 in 100".
COUNTS_BELOW = 30


def model_gives(probability: float, class_name: str) -> str:
    """'The model gives it 97% dog.'"""
    return f"The model gives it {probability_percent(probability)} {singular(class_name)}."


@dataclass(frozen=True)
class TrackRecord:
    """How often photos the model scored like this one were right, on a held-out split."""

    confidence: float  # this photo's calibrated top-class probability
    lower: float
    upper: float
    count: int
    right: int
    split: str

    @property
    def sentence(self) -> str:
        band = f"between {self.lower:.0%} and {self.upper:.0%}"
        if self.count < MIN_EVIDENCE:
            return (f"Only {self.count} of the {self.split} photos got a score {band}, too few to say how often "
                    "such answers are right.")
        if self.count < COUNTS_BELOW:  # a share of a handful of photos would claim more than was measured
            return (f"Of the {self.count} {self.split} photos it scored like this ({band}), "
                    f"{self.right} were right.")
        if self.right == self.count:  # "about 100 in 100" would hide that every one was right
            return f"All {self.count:,} {self.split} photos it scores like this ({band}) were right."
        in_hundred = math.floor(100 * self.right / self.count + 0.5)  # half up: 96.5 in 100 is 'about 97'
        return (f"Of the {self.count:,} {self.split} photos it scores like this ({band}), "
                f"about {in_hundred} in 100 were right.")


def track_record(reliability: Reliability, confidence: float) -> TrackRecord:
    """The reliability bin ``confidence`` falls in, as a sentence about right answers."""
    found = reliability.bin_for(confidence)
    right = 0 if found.count == 0 else round(found.accuracy * found.count)
    return TrackRecord(float(confidence), found.lower, found.upper, found.count, right, reliability.split)


@dataclass(frozen=True)
class UnsureRule:
    """Below ``threshold`` (calibrated top-class probability) the app says "not sure" rather than a class."""

    threshold: float
    min_accuracy: float
    band: float
    below_count: int  # validation photos the rule calls "not sure"
    below_right: int
    above_count: int
    above_right: int
    chance: float = 0.5  # the lowest possible top-class probability: 1 / classes
    photos: str = "validation photos"  # what the rule was chosen on, as the sentences name it

    @property
    def rule(self) -> str:
        """The rule in words, true for the numbers it was chosen from."""
        least = round(100 * self.min_accuracy)
        if self.threshold <= self.chance:
            return (f"The app always names a class: on the {self.photos} every {self.band:.0%}-wide band of "
                    f"scores (with at least {MIN_EVIDENCE} photos) was right at least {least} times in 100.")
        return (f"The app says \"not sure\" when the model gives the top class less than {self.threshold:.0%}: on "
                f"the {self.photos}, the highest {self.band:.0%}-wide band of scores (of those with at least "
                f"{MIN_EVIDENCE} photos) where fewer than {least} in 100 answers were right ends there.")

    @property
    def sentence(self) -> str:
        """How the rule did on the validation photos it was chosen from."""
        if self.below_count == 0:
            return (f"None of the {self.photos} scored below it, so the model answered every one "
                    f"({_share(self.above_right, self.above_count)} right).")
        return (f"On the {self.photos} it held back {self.below_count:,} "
                f"({_share(self.below_right, self.below_count)} of them would have been right) and answered "
                f"{self.above_count:,} ({_share(self.above_right, self.above_count)} right).")

    def as_dict(self) -> dict:
        return {"threshold": self.threshold, "min_accuracy": self.min_accuracy, "band": self.band,
                "below_count": self.below_count, "below_right": self.below_right,
                "above_count": self.above_count, "above_right": self.above_right, "chance": self.chance,
                "photos": self.photos}

    @classmethod
    def from_dict(cls, data: dict) -> UnsureRule:
        return cls(float(data["threshold"]), float(data["min_accuracy"]), float(data["band"]),
                   int(data["below_count"]), int(data["below_right"]), int(data["above_count"]),
                   int(data["above_right"]), float(data.get("chance", 0.5)),
                   str(data.get("photos", "validation photos")))


def _share(part: int, whole: int) -> str:
    return share_percent(part / whole) if whole else "none"


def choose_unsure_threshold(probabilities: np.ndarray, labels: np.ndarray,
                            min_accuracy: float = UNSURE_MIN_ACCURACY, band: float = UNSURE_BAND) -> UnsureRule:
    """The "not sure" line from calibrated validation probabilities.

    Scores are cut into bands ``band`` wide from chance level (1 / classes) up;
    the threshold is the top of the highest band, holding at least MIN_EVIDENCE
    photos, where fewer than ``min_accuracy`` were right; above it every such
    band did at least that well. Thin bands are skipped: they prove nothing.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels).astype(int).reshape(-1)
    if probabilities.ndim != 2 or len(probabilities) != len(labels) or len(labels) == 0:
        raise ValueError(f"Expected (N, classes) probabilities and N labels, got {probabilities.shape} and "
                         f"{labels.shape}.")
    if not 0 < min_accuracy < 1 or not 0 < band < 1:
        raise ValueError(f"min_accuracy and band must be between 0 and 1, got {min_accuracy} and {band}.")
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    chance = 1.0 / probabilities.shape[1]
    threshold = chance
    lower = chance
    while lower < 1.0 - 1e-9:
        upper = min(1.0, lower + band)
        members = (confidence >= lower) & ((confidence < upper) | (upper >= 1.0))
        if members.sum() >= MIN_EVIDENCE and correct[members].mean() < min_accuracy:
            threshold = upper
        lower = upper
    threshold = round(float(threshold), 6)
    below = confidence < threshold
    return UnsureRule(threshold, min_accuracy, band, int(below.sum()), int(correct[below].sum()),
                      int((~below).sum()), int(correct[~below].sum()), chance)
