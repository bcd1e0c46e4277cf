"""One candidate "neither" score: fitted, its line set, and measured without looking at the photos it reports on.

:mod:`core.trust.fit` tries several (feature layer × method) and keeps the
one that catches most other photos at its line. Each candidate here is

- **fitted** on training photos (and their greyscale and sideways copies),
  the real photos of the fitting half (weighted, so a few sharp photos count
  against thousands of small ones) and, for the ``outliers`` methods, photos
  of other things;
- **lined** so that at most LINE_FLAG_RATE of each group of validation and
  real fitting photos (each copy) is flagged, each real photo scored by a fit
  that did not see it;
- **measured** on other photos by cross-validation, and on the test split and
  the reporting half of the real photos, which no fit or line sees.
"""

from __future__ import annotations

import numpy as np

from core.prediction import novelty

#: Folds of the other photos for measuring the outlier-exposure score on photos it was not fitted on.
FOLDS = 5

#: At most this share of each group of line-setting photos (validation, real fitting half; each copy) is flagged.
LINE_FLAG_RATE = 0.02

#: How much one real fitting photo (each copy) weighs in the score's fit against one training photo: 150 real
#: photos then weigh more than the 4,000 training ones, which all look alike (on the transfer model's base pooled
#: features, 1, 10, 30 and 100 caught 57%, 65%, 68% and 73% of the other photos at the line, by cross-validation).
REAL_WEIGHT = 100.0

#: Folds of the real fitting photos, so that each one's score for the line comes from a fit without it.
REAL_FOLDS = 3

#: The methods tried (mahalanobis never won on any shipped model and costs a d×d matrix).
TRIED = (("knn", None), ("outliers", None), ("knn+outliers", 1.0))

def line_for(scorer: novelty.NoveltyScorer, groups: dict[str, np.ndarray], rate: float = LINE_FLAG_RATE) -> float:
    """The lowest threshold that flags at most ``rate`` of every group of line-setting features."""
    return max(novelty.threshold_for(scorer.scores(features), rate) for features in groups.values())


def shown_kinds(others: dict) -> list[str]:
    return [kind for kind in others if kind not in novelty.SEPARATE_KINDS]


def _fit_with_line(train, train_labels, validation_groups: dict, real: tuple | None, method: str, layer: str,
                   outliers, blend: float | None, seed: int) -> novelty.NoveltyScorer:
    """A scorer fitted on the training photos and the real fitting photos (weighted), with its line.

    ``real`` is (copy -> features, labels) of the fitting half, or None. A real
    photo the score was fitted on scores low on its own fit, so the line reads
    each real photo's score from a fit without it (REAL_FOLDS-fold
    cross-fitting); the validation photos are never fitted on.
    """
    blend = blend if blend is not None else novelty.BLENDS[-1]

    def fit(rows: np.ndarray | None) -> novelty.NoveltyScorer:
        if real is None or rows is None or len(rows) == 0:
            return novelty.fit_scorer(train, train_labels, method, layer, outliers=outliers, blend=blend)
        copies, labels = real
        extra = np.concatenate([copies[copy][rows] for copy in copies])
        weights = np.r_[np.ones(len(train)), np.full(len(extra), REAL_WEIGHT)]
        return novelty.fit_scorer(np.concatenate([train, extra]),
                                  np.r_[train_labels, np.tile(labels[rows], len(copies))],
                                  method, layer, outliers=outliers, blend=blend, weights=weights)

    if real is None:
        scorer = fit(None)
        return scorer.with_threshold(line_for(scorer, validation_groups))
    copies, labels = real
    fold_of = np.random.default_rng(seed).permutation(len(labels)) % REAL_FOLDS
    crossed = {copy: np.zeros(len(labels)) for copy in copies}
    for fold in range(REAL_FOLDS):
        without = fit(np.nonzero(fold_of != fold)[0])
        for copy in copies:
            crossed[copy][fold_of == fold] = without.scores(copies[copy][fold_of == fold])
    scorer = fit(np.arange(len(labels)))
    line = max([novelty.threshold_for(scores, LINE_FLAG_RATE) for scores in crossed.values()]
               + [line_for(scorer, validation_groups)])
    return scorer.with_threshold(line)


def candidate(train, train_labels, validation_groups: dict, real: tuple | None, others, reported, layer: str,
               method: str, blend: float | None, seed: int) -> dict:
    """One candidate score: fitted, its line set, and measured (by cross-validation when it saw other photos).

    ``others`` maps kind -> copy -> features; ``reported`` maps a name ("test", "real colour", ...) to features of
    cats and dogs no fit or line sees. Catch rates and AUROCs are on the other photos' colour copies; the AUROC
    used for choosing is against the validation and real fitting photos in colour.
    """
    exposed = method in novelty.EXPOSED_METHODS
    main_kinds = shown_kinds(others)
    if exposed and (not main_kinds or min(len(others[kind]["colour"]) for kind in main_kinds) < 2):
        raise ValueError("Cross-validation needs at least 2 other photos of each kind.")
    folds = min(FOLDS, min(len(others[kind]["colour"]) for kind in main_kinds)) if exposed else 1
    rng = np.random.default_rng(seed)
    fold_of = {kind: rng.permutation(len(others[kind]["colour"])) % folds for kind in main_kinds}
    inside = validation_groups["validation colour"] if real is None else \
        np.concatenate([validation_groups["validation colour"], real[0]["colour"]])
    caught_counts = {kind: 0.0 for kind in others}
    aurocs: dict[str, list[float]] = {}  # against the line-setting photos: for choosing
    test_aurocs: dict[str, list[float]] = {}  # against the test split: for reporting
    real_aurocs: list[float] = []
    for fold in range(folds):
        fitted_on = None
        if exposed:  # every copy of a held-out photo is held out with it
            fitted_on = np.concatenate([others[kind][copy][fold_of[kind] != fold]
                                        for kind in main_kinds for copy in others[kind]])
        scorer = _fit_with_line(train, train_labels, validation_groups, real, method, layer, fitted_on, blend, seed)
        held_out = {kind: others[kind]["colour"][fold_of[kind] == fold] for kind in main_kinds}
        held_out.update({kind: others[kind]["colour"] for kind in others if kind not in main_kinds})
        other_scores = {kind: scorer.scores(values) for kind, values in held_out.items()}
        for kind, scores in other_scores.items():
            # Held-out folds add up to every photo once; kinds never fitted on are seen by every fold: average them.
            share = 1.0 if kind in main_kinds else 1.0 / folds
            caught_counts[kind] += float(scorer.flagged(scores).sum()) * share
        main_scores = np.concatenate([other_scores[kind] for kind in main_kinds])
        inside_scores, test_scores = scorer.scores(inside), scorer.scores(reported["test"])
        for kind, scores in {**other_scores, "overall": main_scores}.items():
            aurocs.setdefault(kind, []).append(novelty.auroc(inside_scores, scores))
            test_aurocs.setdefault(kind, []).append(novelty.auroc(test_scores, scores))
        if "real colour" in reported:
            real_aurocs.append(novelty.auroc(scorer.scores(reported["real colour"]), main_scores))
    caught = {kind: caught_counts[kind] / len(others[kind]["colour"]) for kind in others}
    caught["overall"] = (sum(caught_counts[kind] for kind in main_kinds)
                         / sum(len(others[kind]["colour"]) for kind in main_kinds))
    # The shipped score: fitted on every other photo (and copy), its line set the same way.
    final = _fit_with_line(
        train, train_labels, validation_groups, real, method, layer,
        np.concatenate([others[kind][copy] for kind in main_kinds for copy in others[kind]]) if exposed else None,
        blend, seed)
    flagged = {name: float(final.flagged(final.scores(values)).mean()) for name, values in reported.items()}
    fitted_count = sum(len(others[kind]["colour"]) for kind in main_kinds)
    return {
        "scorer": final, "blend": blend, "folds": folds,
        "validation_flag_rate": float(final.flagged(final.scores(validation_groups["validation colour"])).mean()),
        "flagged": flagged, "caught": caught,
        "fitting_auroc": {kind: float(np.mean(values)) for kind, values in aurocs.items()},
        "auroc": {kind: float(np.mean(values)) for kind, values in test_aurocs.items()},
        "real_auroc": float(np.mean(real_aurocs)) if real_aurocs else None,
        "measured_by": (f"{folds}-fold cross-validation: the regression was fitted without the photos each fold "
                        f"measured ({fitted_count} other photos in all; {', '.join(novelty.SEPARATE_KINDS)} never "
                        "fitted on)") if exposed else "the other photos, none of which the score was fitted on",
        "outliers_fitted_on": fitted_count if exposed else 0,
    }
