"""core/prediction/novelty.py: the "neither" score separates two synthetic distributions, and its threshold holds."""

import numpy as np
import pytest

from core.prediction import novelty
from core.prediction.features import FINAL_INPUT, feature_extractor
from tests.core.prediction.conftest import flat_photos, sample


def clouds(count: int, seed: int, shift: float = 0.0):
    """Two classes in 20-D around ±1.5 on the first axis; ``shift`` moves every photo along the last axis.

    Every feature sits around 4, as pooled ReLU features sit above 0 (cosine similarity needs a direction).
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, count)
    features = rng.normal(4, 1, (count, 20))
    features[:, 0] += np.where(labels == 1, 1.5, -1.5)
    features[:, -1] += shift
    return features, labels


def fit(train, labels, method, layer="synthetic", outliers_seed=10):
    """``fit_scorer``, giving knn+outliers its own sample of outside photos (never the ones it is tested on)."""
    outliers = clouds(300, outliers_seed, shift=8.0)[0] if method in novelty.EXPOSED_METHODS else None
    return novelty.fit_scorer(train, labels, method, layer, outliers=outliers)


@pytest.mark.parametrize("method", novelty.METHODS)
def test_the_score_separates_photos_unlike_the_training_ones(method):
    train, labels = clouds(2000, 0)
    validation, _ = clouds(1000, 1)
    test, _ = clouds(1000, 2)
    outside, _ = clouds(500, 3, shift=8.0)
    scorer = fit(train, labels, method)
    scorer = scorer.with_threshold(novelty.threshold_for(scorer.scores(validation)))
    assert novelty.auroc(scorer.scores(test), scorer.scores(outside)) > 0.97
    assert scorer.flagged(scorer.scores(validation)).mean() <= 0.03
    assert scorer.flagged(scorer.scores(test)).mean() < 0.06
    assert scorer.flagged(scorer.scores(outside)).mean() > 0.9


def test_the_fixture_models_features_flag_an_odd_colour(overconfident_model):
    # In the fixture's features (a photo's mean colour) cats and dogs have green = blue = 90; a blue photo does not.
    extractor = feature_extractor(overconfident_model)
    red, labels = sample(600, seed=4)
    scorer = novelty.fit_scorer(extractor(flat_photos(red)).by_layer[FINAL_INPUT], labels, "mahalanobis", FINAL_INPUT)
    inside = scorer.scores(extractor(flat_photos(sample(200, seed=5)[0])).by_layer[FINAL_INPUT])
    outside = scorer.scores(extractor(flat_photos(sample(200, seed=6)[0], blue=200.0)).by_layer[FINAL_INPUT])
    assert novelty.auroc(inside, outside) == 1.0


def test_auroc_and_threshold_by_hand():
    assert novelty.auroc([0, 1], [2, 3]) == 1.0
    assert novelty.auroc([2, 3], [0, 1]) == 0.0
    # Pairs (outside, inside): 4 beats all three; 2 beats 1, ties 2, loses to 3 -> (3 + 1.5) / 6.
    assert novelty.auroc([1, 2, 3], [2, 4]) == pytest.approx(0.75)
    scores = np.arange(1, 101)
    assert novelty.threshold_for(scores, 0.03) == 97  # 98, 99 and 100 lie above it
    assert novelty.threshold_for(scores, 0.0) == 100
    with pytest.raises(ValueError, match="validation"):
        novelty.threshold_for([])


def test_shrunk_covariance_is_invertible_with_fewer_photos_than_features():
    centred = np.random.default_rng(0).normal(size=(10, 50))
    covariance, shrinkage = novelty.ledoit_wolf(centred - centred.mean(axis=0))
    assert 0 < shrinkage <= 1
    assert np.linalg.matrix_rank(covariance) == 50
    # Plenty of photos with unequal spreads: the sample covariance is trusted, not the identity.
    many = np.random.default_rng(1).normal(size=(20000, 5)) * np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    _, little = novelty.ledoit_wolf(many - many.mean(axis=0))
    assert little < 0.01


@pytest.mark.parametrize("method", novelty.METHODS)
def test_a_scorer_round_trips_through_its_file(tmp_path, method):
    train, labels = clouds(300, 0)
    scorer = fit(train, labels, method, "layer name").with_threshold(1.25)
    scorer.save(tmp_path / "novelty.npz")
    loaded = novelty.NoveltyScorer.load(tmp_path / "novelty.npz")
    assert (loaded.method, loaded.layer, loaded.threshold, loaded.fitted_on) == (method, "layer name", 1.25, 300)
    probe, _ = clouds(20, 9, shift=3.0)
    np.testing.assert_allclose(loaded.scores(probe), scorer.scores(probe), rtol=1e-5)
    with pytest.raises(ValueError, match="fitted on 20 features"):
        loaded.scores(np.zeros((1, 7)))


def test_unknown_method_and_its_sentences():
    with pytest.raises(ValueError, match="mahalanobis, knn"):
        novelty.fit_scorer(np.zeros((4, 2)), np.zeros(4), "magic", "layer")
    flagged = novelty.NoveltyVerdict(12.5, 10.0, "cats and dogs", 0.03)
    assert flagged.flagged and flagged.headline == "This doesn't look like the cats and dogs I learned from."
    assert flagged.explanation.startswith("Its score is 12.5, above the line of 10")
    assert "3 in 100 validation cats and dogs crossed" in flagged.explanation
    kept = novelty.NoveltyVerdict(10.0, 10.0, "cats and dogs", 0.02)
    assert not kept.flagged and "at or below" in kept.explanation and "2 in 100" in kept.explanation


def test_each_method_says_what_its_score_measures():
    train, labels = clouds(50, 0)
    knn = novelty.fit_scorer(train, labels, "knn", "layer")
    assert knn.distance_phrase(0.2) == ("Its features differ by 0.2 (1 − cosine similarity) from the training photo "
                                        f"that is {novelty.NEIGHBOURS}th most like it")
    assert "Mahalanobis distance" in novelty.fit_scorer(train, labels, "mahalanobis", "layer").distance_phrase(3.0)


def test_outlier_exposure_learns_a_direction_a_distance_cannot_see():
    # Outside photos point the same way as the training ones, only three times as strong: the cosine k-NN distance
    # cannot tell them apart, a regression shown such photos can.
    train, labels = clouds(2000, 0)
    validation, _ = clouds(1000, 1)
    test, _ = clouds(1000, 2)
    outside = clouds(500, 3)[0] * 3
    knn = novelty.fit_scorer(train, labels, "knn", "synthetic")
    exposed = novelty.fit_scorer(train, labels, "knn+outliers", "synthetic", outliers=clouds(300, 4)[0] * 3)
    assert novelty.auroc(knn.scores(test), knn.scores(outside)) < 0.6
    assert novelty.auroc(exposed.scores(test), exposed.scores(outside)) > 0.99
    exposed = exposed.with_threshold(novelty.threshold_for(exposed.scores(validation)))
    assert exposed.flagged(exposed.scores(outside)).mean() > 0.95
    assert "how far its features are from the most similar training photos" in exposed.distance_phrase(1.5)
    for method in novelty.EXPOSED_METHODS:
        with pytest.raises(ValueError, match="needs features of photos that are none of the classes"):
            novelty.fit_scorer(train, labels, method, "synthetic")
    alone = novelty.fit_scorer(train, labels, "outliers", "synthetic", outliers=clouds(300, 4)[0] * 3)
    assert novelty.auroc(alone.scores(test), alone.scores(outside)) > 0.99
    assert "bank" not in alone.statistics and "weighed from its features (" in alone.distance_phrase(1.0)


def test_the_regression_weighs_both_groups_equally_and_is_penalised():
    rng = np.random.default_rng(0)
    inside, outside = rng.normal(0, 1, (900, 3)), rng.normal(0, 1, (100, 3))
    outside[:, 0] += 2.0
    columns, target = np.concatenate([inside, outside]), np.r_[np.zeros(900), np.ones(100)]
    loose, tight = novelty.fit_logistic(columns, target, 0.01), novelty.fit_logistic(columns, target, 1e4)
    assert loose["weights"][0] > 1.0 and abs(loose["weights"][1]) < 0.3  # the informative column only
    assert np.abs(tight["weights"]).max() < 0.1 * loose["weights"][0]  # a big penalty shrinks every weight
    # Balanced: with equal group weights the line sits between the groups, not deep inside the smaller one.
    scores = (columns - loose["centre"]) / loose["scale"] @ loose["weights"] + loose["bias"]
    assert 0.7 < (scores[900:] > 0).mean() and (scores[:900] > 0).mean() < 0.3
    with pytest.raises(ValueError, match="both groups"):
        novelty.fit_logistic(inside, np.zeros(900), 1.0)


def test_weights_let_a_few_real_photos_teach_the_regression_they_are_no_outliers():
    rng = np.random.default_rng(3)
    inside = rng.normal(0, 1, (900, 2))
    real = rng.normal(0, 1, (20, 2)) + (0.0, 3.0)  # a few sharp photos of real cats: shifted in column 1 only
    outside = rng.normal(0, 1, (100, 2)) + (3.0, 3.0)
    features, labels = np.concatenate([inside, real]), np.zeros(920, int)
    plain = novelty.fit_scorer(features, labels, "outliers", "synthetic", outliers=outside)
    weighted = novelty.fit_scorer(features, labels, "outliers", "synthetic", outliers=outside,
                                  weights=np.r_[np.ones(900), np.full(20, 45.0)])
    # Unweighted, the 20 real photos barely count and column 1 reads as "other"; weighted, it no longer does.
    assert weighted.scores(real).mean() < plain.scores(real).mean() - 1.0
    assert novelty.auroc(weighted.scores(real), weighted.scores(outside)) > 0.95
    with pytest.raises(ValueError, match="weights"):
        novelty.fit_scorer(features, labels, "outliers", "synthetic", outliers=outside, weights=np.ones(3))
