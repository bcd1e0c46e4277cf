"""Percentages that mean what they say: temperature scaling, reliability bins and the expected calibration error.

A network trained with cross-entropy is often over-confident: of the photos it
gives 98%, fewer than 98 in 100 are right. Temperature scaling divides the
logits by one number T, fitted on the validation split by minimising the
negative log-likelihood; it never changes which class wins, only how sure the
percentages are. It works for one sigmoid unit (two classes) and for softmax.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from core.wording.percent import percentage_points

#: Equal-width bins of the top-class probability for the reliability diagram and the ECE.
BIN_COUNT = 10

#: The temperatures searched (log-spaced bounds): beyond these the fit is certainly broken.
TEMPERATURE_RANGE = (0.05, 50.0)


def _as_logits(logits: np.ndarray) -> np.ndarray:
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim == 1:
        logits = logits[:, None]
    if logits.ndim != 2 or logits.shape[1] < 1:
        raise ValueError(f"Expected (N, units) logits, got shape {logits.shape}.")
    return logits


def calibrated_probabilities(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(N, C) class probabilities from logits divided by ``temperature``.

    One logit per photo is a sigmoid unit (the probability of class 1, so C = 2);
    several are softmax logits.
    """
    if not temperature > 0:
        raise ValueError(f"The temperature must be positive, got {temperature}.")
    logits = _as_logits(logits) / temperature
    if logits.shape[1] == 1:
        positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
        return np.stack([1.0 - positive, positive], axis=1)
    shifted = logits - logits.max(axis=1, keepdims=True)  # avoid overflow in exp
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0,
                            weights: np.ndarray | None = None) -> float:
    """(Weighted) mean cross-entropy of the true labels under the scaled logits (computed stably in log space)."""
    logits = _as_logits(logits) / temperature
    labels = _as_labels(labels, len(logits))
    if logits.shape[1] == 1:
        signed = np.where(labels == 1, logits[:, 0], -logits[:, 0])
        losses = np.logaddexp(0.0, -signed)  # -log sigmoid(signed)
    else:
        losses = np.logaddexp.reduce(logits, axis=1) - logits[np.arange(len(logits)), labels]
    return float(np.average(losses, weights=_as_weights(weights, len(logits))))


def _as_weights(weights: np.ndarray | None, count: int) -> np.ndarray | None:
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    if len(weights) != count or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"Expected {count} non-negative weights with a positive sum, got {len(weights)}.")
    return weights


def _as_labels(labels: np.ndarray, count: int) -> np.ndarray:
    labels = np.asarray(labels).astype(int).reshape(-1)
    if len(labels) != count:
        raise ValueError(f"{count} photos but {len(labels)} labels.")
    if count == 0:
        raise ValueError("No photos to calibrate on.")
    return labels


def fit_temperature(logits: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The one temperature T that minimises the (weighted) validation negative log-likelihood.

    ``weights`` let two groups weigh alike however many photos each has (the
    validation split and a few real photos).

    The likelihood is convex in 1/T, so a bounded one-dimensional search on log T
    finds the single minimum.
    """
    logits = _as_logits(logits)
    labels = _as_labels(labels, len(logits))
    low, high = np.log(TEMPERATURE_RANGE[0]), np.log(TEMPERATURE_RANGE[1])
    result = minimize_scalar(lambda log_t: negative_log_likelihood(logits, labels, float(np.exp(log_t)), weights),
                             bounds=(low, high), method="bounded", options={"xatol": 1e-5})
    return float(np.exp(result.x))


@dataclass(frozen=True)
class ReliabilityBin:
    """Photos whose top-class probability fell in [lower, upper): how sure, and how often right."""

    lower: float
    upper: float
    count: int
    mean_confidence: float  # NaN when the bin is empty
    accuracy: float  # NaN when the bin is empty

    def as_dict(self) -> dict:
        return {"lower": self.lower, "upper": self.upper, "count": self.count,
                "mean_confidence": None if self.count == 0 else round(self.mean_confidence, 6),
                "accuracy": None if self.count == 0 else round(self.accuracy, 6)}

    @classmethod
    def from_dict(cls, data: dict) -> ReliabilityBin:
        def number(value):
            return float("nan") if value is None else float(value)
        return cls(float(data["lower"]), float(data["upper"]), int(data["count"]),
                   number(data.get("mean_confidence")), number(data.get("accuracy")))


@dataclass(frozen=True)
class Reliability:
    """A reliability diagram's bins for one split, and the expected calibration error they give."""

    bins: tuple[ReliabilityBin, ...]
    split: str  # "validation" or "test": which photos were counted

    @property
    def count(self) -> int:
        return sum(item.count for item in self.bins)

    @property
    def expected_calibration_error(self) -> float:
        """Σ (bin share) × |accuracy − mean confidence|: how far the percentages are from the truth, on average."""
        total = self.count
        if total == 0:
            raise ValueError("No photos in the reliability bins.")
        return float(sum(item.count / total * abs(item.accuracy - item.mean_confidence)
                         for item in self.bins if item.count))

    def bin_for(self, confidence: float) -> ReliabilityBin:
        """The bin a top-class probability falls in (the last bin includes 100%)."""
        for item in self.bins:
            if item.lower <= confidence < item.upper:
                return item
        return self.bins[-1] if confidence >= self.bins[-1].lower else self.bins[0]

    @property
    def sentence(self) -> str:
        """'On the 1,000 test photos the percentages are off by 2.1 points on average (expected calibration error).'"""
        return (f"On the {self.count:,} {self.split} photos the model's percentages are off by "
                f"{percentage_points(self.expected_calibration_error)} points on average (expected calibration error).")

    def as_dict(self) -> dict:
        return {"split": self.split, "bins": [item.as_dict() for item in self.bins]}

    @classmethod
    def from_dict(cls, data: dict) -> Reliability:
        return cls(tuple(ReliabilityBin.from_dict(item) for item in data["bins"]), str(data.get("split", "test")))


def reliability(probabilities: np.ndarray, labels: np.ndarray, split: str, bin_count: int = BIN_COUNT) -> Reliability:
    """Bin photos by their top-class probability and count how many in each bin were right."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[1] < 2:
        raise ValueError(f"Expected (N, classes) probabilities, got shape {probabilities.shape}.")
    if bin_count < 1:
        raise ValueError(f"bin_count must be at least 1, got {bin_count}.")
    labels = _as_labels(labels, len(probabilities))
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bin_count + 1)
    # The last bin is closed so that a probability of exactly 1.0 is counted.
    index = np.minimum(np.searchsorted(edges, confidence, side="right") - 1, bin_count - 1)
    bins = []
    for number in range(bin_count):
        members = index == number
        count = int(members.sum())
        bins.append(ReliabilityBin(
            float(edges[number]), float(edges[number + 1]), count,
            float(confidence[members].mean()) if count else float("nan"),
            float(correct[members].mean()) if count else float("nan")))
    return Reliability(tuple(bins), split)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bin_count: int = BIN_COUNT) -> float:
    return reliability(probabilities, labels, "photos", bin_count).expected_calibration_error


@dataclass(frozen=True)
class Calibration:
    """One model's fitted temperature and what it did to its percentages on the test split."""

    temperature: float
    validation_count: int  # the photos T was fitted on
    before: Reliability  # test split, raw probabilities
    after: Reliability  # test split, probabilities from logits / T
    real_count: int = 0  # of validation_count, real photos (the fitting half of cats_dogs_photos)

    @property
    def fitted_words(self) -> str:
        """'1,000 validation photos', or '1,150 photos: 1,000 validation photos and 150 real photos'."""
        if not self.real_count:
            return f"{self.validation_count:,} validation photos"
        return (f"{self.validation_count:,} photos: {self.validation_count - self.real_count:,} validation photos "
                f"and {self.real_count:,} real photos from other sources, weighing alike")

    @property
    def ece_before(self) -> float:
        return self.before.expected_calibration_error

    @property
    def ece_after(self) -> float:
        return self.after.expected_calibration_error

    @property
    def sentence(self) -> str:
        """What temperature scaling did, in one sentence a learner can check against the diagram."""
        direction = ("softened (the model was over-confident)" if self.temperature > 1.0
                     else "sharpened (the model was under-confident)" if self.temperature < 1.0
                     else "left as they were")
        return (f"Dividing the model's final scores (before the sigmoid or softmax) by T = {self.temperature:.2f} "
                "(fitted on "
                f"{self.fitted_words}) {direction} its percentages: on the {self.after.count:,} {self.after.split} "
                f"photos they are off by {percentage_points(self.ece_after)} points on average, "
                f"{percentage_points(self.ece_before)} before.")


def calibrate(validation_logits: np.ndarray, validation_labels: np.ndarray,
              test_logits: np.ndarray, test_labels: np.ndarray, bin_count: int = BIN_COUNT,
              weights: np.ndarray | None = None) -> Calibration:
    """Fit T on validation (weighted by ``weights``, if given), then measure the reliability on test before and
    after."""
    temperature = fit_temperature(validation_logits, validation_labels, weights)
    return Calibration(
        temperature=temperature,
        validation_count=len(_as_logits(validation_logits)),
        before=reliability(calibrated_probabilities(test_logits, 1.0), test_labels, "test", bin_count),
        after=reliability(calibrated_probabilities(test_logits, temperature), test_labels, "test", bin_count),
    )
