"""'Neither a cat nor a dog': how far a photo's features are from the training photos' features.

A two-class network must answer "cat" or "dog" for a cup too. Its own
features can notice the cup: the pooled features its final Dense layer reads
(and, for the transfer model, MobileNet's globally pooled output) form two
clouds for the training cats and dogs, and a cup usually lands away from both.
Two distances are offered, both fitted on training photos, and two regressions:

- ``mahalanobis``: to the nearest class mean, measured with the classes' shared
  covariance, shrunk towards a multiple of the identity (Ledoit-Wolf) so that
  a few thousand photos give a stable inverse;
- ``knn``: one minus the cosine similarity to the k-th most similar training
  photo, on length-normalised features;
- ``outliers``: a logistic regression on the features, fitted on training
  cats and dogs against photos of other things ("outlier exposure");
- ``knn+outliers``: the k-NN distance plus a share (``blend``) of that
  regression's score, each in units of its spread over the training photos.
  A small share keeps the distance in charge: the regression alone also
  flags unusual photos of real cats and dogs (the app's demo cat, a studio
  close-up, is one).

The regressions learn which directions of the features mean "something else"
(a face, the fur of another animal), which a distance alone cannot; how well
they do is measured only on other photos they were not fitted on
(cross-validation, in :mod:`core.trust.fit`).

The threshold is set on the validation split (see :func:`threshold_for`), so
that at most a chosen share of real cats and dogs is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

METHODS = ("mahalanobis", "knn", "outliers", "knn+outliers")

#: The methods fitted on photos of other things as well as on the training photos.
EXPOSED_METHODS = ("outliers", "knn+outliers")

#: L2 penalty of the outlier-exposure regression, on standardised features (chosen by cross-validation).
OUTLIER_L2 = 30.0

#: Shares of the regression's score tried for knn+outliers (core.trust.fit keeps the best that passes).
BLENDS = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0)

#: Neighbours for the k-nearest-neighbour distance: a few, so one odd training photo does not vouch for a cup
#: (on the transfer model's base features 3 to 5 separated best of 1, 3, 5, 10 and 20).
NEIGHBOURS = 5

#: Kinds of "other" photo reported apart and kept out of the overall numbers: big cats are arguably cats.
SEPARATE_KINDS = ("bigcats",)

#: At most this share of validation cats and dogs may be flagged as "neither".
VALIDATION_FLAG_RATE = 0.03


def ledoit_wolf(centred: np.ndarray) -> tuple[np.ndarray, float]:
    """The shrunk covariance of centred rows, and the shrinkage (0: the sample covariance, 1: a scaled identity)."""
    count, dimension = centred.shape
    if count < 2:
        raise ValueError(f"A covariance needs at least 2 photos, got {count}.")
    sample = centred.T @ centred / count
    scale = np.trace(sample) / dimension
    target_distance = np.sum((sample - scale * np.eye(dimension)) ** 2) / dimension
    # How noisy the sample covariance is: the spread of the single-photo outer products around it.
    squared_norms = np.sum(centred ** 2, axis=1)
    noise = (np.sum(squared_norms ** 2) - count * np.sum(sample ** 2)) / (count ** 2 * dimension)
    shrinkage = 1.0 if target_distance == 0 else float(np.clip(noise / target_distance, 0.0, 1.0))
    return (1 - shrinkage) * sample + shrinkage * scale * np.eye(dimension), shrinkage


def _ordinal(number: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(number, f"{number}th")


def _normalised(features: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


@dataclass(frozen=True, eq=False)
class NoveltyScorer:
    """A fitted distance from the training photos' features; larger means less like them."""

    method: str  # one of METHODS
    layer: str  # which features, e.g. "head/output input" (see core.prediction.features)
    statistics: dict  # name -> array: "means" and "precision", or "bank" (normalised training features), and
    # for the regressions "centre", "scale", "weights", "bias" (+ for knn+outliers the two spreads and "blend")
    threshold: float = float("inf")  # scores above it are flagged; set from the validation split
    fitted_on: int = 0  # training photos used

    def scores(self, features: np.ndarray) -> np.ndarray:
        """(N,) novelty scores for (N, d) features."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2:
            raise ValueError(f"Expected (N, d) features, got shape {features.shape}.")
        if self.method == "mahalanobis":
            means, precision = self.statistics["means"], self.statistics["precision"]
            if features.shape[1] != means.shape[1]:
                raise ValueError(f"The scorer was fitted on {means.shape[1]} features, got {features.shape[1]}.")
            distances = []
            for mean in means:
                offset = features - mean
                distances.append(np.einsum("nd,de,ne->n", offset, precision, offset))
            return np.sqrt(np.maximum(np.min(distances, axis=0), 0.0))
        if self.method == "outliers":
            if features.shape[1] != self.statistics["centre"].shape[0]:
                raise ValueError(f"The scorer was fitted on {self.statistics['centre'].shape[0]} features, "
                                 f"got {features.shape[1]}.")
            return _regression_scores(features, self.statistics)
        bank = self.statistics["bank"]
        if features.shape[1] != bank.shape[1]:
            raise ValueError(f"The scorer was fitted on {bank.shape[1]} features, got {features.shape[1]}.")
        distances = knn_distances(features, bank)
        if self.method == "knn":
            return distances
        return _blended(distances, _regression_scores(features, self.statistics), self.statistics)

    def distance_phrase(self, score: float) -> str:
        """What one score measures, in words: 'Its features lie 12.3 from the nearest class's average (...)'."""
        if self.method == "knn+outliers":
            return (f"Its \"neither\" score is {score:.3g}: how far its features are from the most similar training "
                    "photos, plus a little of how much they resemble photos of other things the app was shown")
        if self.method == "outliers":
            return (f"Its \"neither\" score is {score:.3g}, weighed from its features (the weights were learned from "
                    "the training photos and from photos of other things)")
        if self.method == "mahalanobis":
            return (f"Its features lie {score:.3g} from the nearest training class's average (a Mahalanobis "
                    "distance, in units of how much the training photos vary)")
        return (f"Its features differ by {score:.3g} (1 − cosine similarity) from the training photo that is "
                f"{_ordinal(NEIGHBOURS)} most like it")

    def flagged(self, scores: np.ndarray) -> np.ndarray:
        return np.asarray(scores) > self.threshold

    def with_threshold(self, threshold: float) -> NoveltyScorer:
        return NoveltyScorer(self.method, self.layer, self.statistics, float(threshold), self.fitted_on)

    def save(self, path: Path) -> None:
        """Only the fitted statistics (class means, a covariance inverse or training features): no photo, no weights."""
        arrays = {f"statistic_{name}": value for name, value in self.statistics.items()}
        np.savez_compressed(path, method=np.array(self.method), layer=np.array(self.layer),
                            threshold=np.array(self.threshold), fitted_on=np.array(self.fitted_on), **arrays)

    @classmethod
    def load(cls, path: Path) -> NoveltyScorer:
        with np.load(path, allow_pickle=False) as stored:
            statistics = {key[len("statistic_"):]: stored[key] for key in stored.files if key.startswith("statistic_")}
            method = str(stored["method"])
            if method not in METHODS:
                raise ValueError(f"{path} holds an unknown novelty method {method!r}.")
            return cls(method, str(stored["layer"]), statistics, float(stored["threshold"]), int(stored["fitted_on"]))


def knn_distances(features: np.ndarray, bank: np.ndarray, skip_self: bool = False) -> np.ndarray:
    """1 − cosine similarity to the k-th most similar row of ``bank`` (the next one, if ``features`` are in it)."""
    similarity = _normalised(np.asarray(features, np.float64)) @ bank.T.astype(np.float64)
    neighbours = min(NEIGHBOURS + int(skip_self), bank.shape[0])
    return 1.0 - (-np.partition(-similarity, neighbours - 1, axis=1)[:, neighbours - 1])


def _blended(distances: np.ndarray, regression: np.ndarray, statistics: dict) -> np.ndarray:
    return ((distances - statistics["knn_mean"]) / statistics["knn_spread"]
            + float(statistics["blend"]) * (regression - statistics["regression_mean"])
            / statistics["regression_spread"])


def _regression_scores(columns: np.ndarray, statistics: dict) -> np.ndarray:
    standardised = (columns - statistics["centre"]) / statistics["scale"]
    return standardised @ statistics["weights"].astype(np.float64) + float(statistics["bias"])


def fit_logistic(columns: np.ndarray, is_outlier: np.ndarray, l2: float, weights: np.ndarray | None = None) -> dict:
    """An L2-penalised logistic regression on standardised columns, both groups weighted equally.

    ``weights`` (one per row) weigh photos within their group: a few real photos can count as much as
    thousands of training ones.

    Returns the "centre", "scale", "weights" and "bias" that :func:`_regression_scores` applies.
    """
    from scipy.optimize import minimize

    columns = np.asarray(columns, np.float64)
    target = np.asarray(is_outlier, np.float64).reshape(-1)
    if not 0 < target.mean() < 1:
        raise ValueError("The regression needs photos of both groups (training classes and other things).")
    centre, scale = columns.mean(axis=0), columns.std(axis=0) + 1e-6
    standardised = (columns - centre) / scale
    # A few hundred other photos against thousands of cats and dogs: weight each group to half the loss.
    weight = np.ones(len(target)) if weights is None else np.asarray(weights, np.float64).reshape(-1)
    if len(weight) != len(target) or np.any(weight < 0):
        raise ValueError(f"Expected {len(target)} non-negative weights, got {len(weight)}.")
    outside = target == 1
    weight = np.where(outside, 0.5 * weight / weight[outside].sum(), 0.5 * weight / weight[~outside].sum()) \
        * len(target)

    def loss_and_gradient(parameters):
        logits = standardised @ parameters[:-1] + parameters[-1]
        probability = 1 / (1 + np.exp(-logits))
        loss = np.sum(weight * (np.logaddexp(0, logits) - target * logits)) + l2 * np.sum(parameters[:-1] ** 2)
        residual = weight * (probability - target)
        return loss, np.append(standardised.T @ residual + 2 * l2 * parameters[:-1], residual.sum())

    fitted = minimize(loss_and_gradient, np.zeros(columns.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return {"centre": centre.astype(np.float32), "scale": scale.astype(np.float32),
            "weights": fitted[:-1].astype(np.float32), "bias": np.array(fitted[-1], np.float32)}


def fit_scorer(features: np.ndarray, labels: np.ndarray, method: str, layer: str,
               outliers: np.ndarray | None = None, l2: float = OUTLIER_L2, blend: float = BLENDS[-1],
               weights: np.ndarray | None = None) -> NoveltyScorer:
    """Fit ``method`` on training features (N, d) and their class labels (N,).

    ``outliers`` and ``knn+outliers`` also need ``outliers``: (M, d) features of photos that are none of the
    classes; ``weights`` (N,) weigh the training rows in their regression (the outliers weigh alike).
    """
    features = np.asarray(features, dtype=np.float64)
    labels = np.asarray(labels).astype(int).reshape(-1)
    if features.ndim != 2 or len(features) != len(labels):
        raise ValueError(f"Expected (N, d) features and N labels, got {features.shape} and {labels.shape}.")
    if method == "mahalanobis":
        classes = np.unique(labels)
        means = np.stack([features[labels == label].mean(axis=0) for label in classes])
        centred = features - means[np.searchsorted(classes, labels)]
        covariance, _ = ledoit_wolf(centred)
        statistics = {"means": means.astype(np.float32), "precision": np.linalg.inv(covariance).astype(np.float32)}
    elif method == "outliers":
        if outliers is None or len(outliers) == 0:
            raise ValueError("outliers needs features of photos that are none of the classes.")
        columns = np.concatenate([features, np.asarray(outliers, np.float64)])
        statistics = fit_logistic(columns, np.r_[np.zeros(len(features)), np.ones(len(outliers))], l2,
                                  _with_outliers(weights, len(features), len(outliers)))
    elif method in ("knn", "knn+outliers"):
        # float16 halves the file; cosine similarities change in the fourth decimal.
        statistics = {"bank": _normalised(features).astype(np.float16)}
        if method == "knn+outliers":
            if outliers is None or len(outliers) == 0:
                raise ValueError("knn+outliers needs features of photos that are none of the classes.")
            outliers = np.asarray(outliers, np.float64)
            statistics.update(fit_logistic(np.concatenate([features, outliers]),
                                           np.r_[np.zeros(len(features)), np.ones(len(outliers))], l2,
                                           _with_outliers(weights, len(features), len(outliers))))
            # Both parts in units of their spread over the training photos (each photo's own entry skipped).
            distances = knn_distances(features, statistics["bank"], skip_self=True)
            regression = _regression_scores(features, statistics)
            statistics.update({"knn_mean": np.array(distances.mean()), "knn_spread": np.array(distances.std() + 1e-12),
                               "regression_mean": np.array(regression.mean()),
                               "regression_spread": np.array(regression.std() + 1e-12),
                               "blend": np.array(float(blend))})
    else:
        raise ValueError(f"Unknown novelty method {method!r}: choose one of {', '.join(METHODS)}.")
    return NoveltyScorer(method, layer, statistics, fitted_on=len(features))


def _with_outliers(weights: np.ndarray | None, inside: int, outside: int) -> np.ndarray | None:
    if weights is None:
        return None
    weights = np.asarray(weights, np.float64).reshape(-1)
    if len(weights) != inside:
        raise ValueError(f"Expected {inside} weights, one per training row, got {len(weights)}.")
    return np.r_[weights, np.ones(outside)]


def threshold_for(validation_scores: np.ndarray, flag_rate: float = VALIDATION_FLAG_RATE) -> float:
    """The smallest score that flags at most ``flag_rate`` of the validation photos (flagged: score > threshold)."""
    scores = np.sort(np.asarray(validation_scores, dtype=np.float64).reshape(-1))
    if len(scores) == 0:
        raise ValueError("No validation scores to set the threshold on.")
    if not 0 <= flag_rate < 1:
        raise ValueError(f"flag_rate must be in [0, 1), got {flag_rate}.")
    allowed = int(np.floor(flag_rate * len(scores)))  # photos that may lie above the threshold
    return float(scores[len(scores) - 1 - allowed])


def auroc(inside_scores: np.ndarray, outside_scores: np.ndarray) -> float:
    """Chance that a random outside photo scores higher than a random inside one (ties count half)."""
    inside = np.asarray(inside_scores, dtype=np.float64).reshape(-1)
    outside = np.asarray(outside_scores, dtype=np.float64).reshape(-1)
    if len(inside) == 0 or len(outside) == 0:
        raise ValueError("AUROC needs scores for both inside and outside photos.")
    # The Mann-Whitney U statistic from average ranks (ties share their mean rank).
    ranks = rankdata(np.concatenate([inside, outside]))
    u_statistic = ranks[len(inside):].sum() - len(outside) * (len(outside) + 1) / 2
    return float(u_statistic / (len(inside) * len(outside)))


@dataclass(frozen=True)
class NoveltyVerdict:
    """Whether one photo looks like the training cats and dogs, with its score and the reason in one sentence."""

    score: float
    threshold: float
    class_words: str  # "cats and dogs"
    validation_flag_rate: float  # the share of validation photos above the threshold, measured
    distance_phrase: str = ""  # from NoveltyScorer.distance_phrase; a plain "Its score is ..." without it
    line_set_on: str = ""  # how the line was set, from the card ("so that at most 2% of ... cross it")

    @property
    def flagged(self) -> bool:
        return self.score > self.threshold

    @property
    def headline(self) -> str:
        if self.flagged:
            return f"This doesn't look like the {self.class_words} I learned from."
        return f"This looks like the {self.class_words} I learned from."

    @property
    def explanation(self) -> str:
        """One sentence: what the score measures and where the line is."""
        comparison = "above" if self.flagged else "at or below"
        crossed = round(100 * self.validation_flag_rate)
        measured = self.distance_phrase or f"Its score is {self.score:.3g}"
        if self.line_set_on:
            return f"{measured}, {comparison} the line of {self.threshold:.3g}, set {self.line_set_on}."
        return (f"{measured}, {comparison} the line of {self.threshold:.3g} that {crossed} in 100 validation "
                f"{self.class_words} crossed.")
