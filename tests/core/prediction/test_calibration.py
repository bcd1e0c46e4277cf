"""core/prediction/calibration.py: temperature scaling, reliability bins and the ECE."""

import numpy as np
import pytest

from core.prediction import calibration
from core.prediction.features import feature_extractor
from tests.core.prediction.conftest import (
    TRUE_TEMPERATURE,
    bayes_logit,
    flat_photos,
    sample,
)


def test_a_perfectly_calibrated_set_has_an_ece_near_zero():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0.5, 1.0, 200_000)
    correct = rng.uniform(size=confidence.size) < confidence  # right exactly as often as it says
    labels = np.where(correct, 1, 0)
    probabilities = np.stack([1 - confidence, confidence], axis=1)
    assert calibration.expected_calibration_error(probabilities, labels) < 0.005


def test_reliability_bins_count_by_hand():
    probabilities = np.array([[0.2, 0.8], [0.1, 0.9], [0.45, 0.55], [0.0, 1.0]])
    labels = np.array([1, 0, 1, 1])
    result = calibration.reliability(probabilities, labels, "test")
    filled = {(round(item.lower, 1), round(item.upper, 1)): (item.count, item.accuracy) for item in result.bins
              if item.count}
    # 0.9 and 1.0 share the last bin, which is closed at 100%.
    assert filled == {(0.5, 0.6): (1, 1.0), (0.8, 0.9): (1, 1.0), (0.9, 1.0): (2, 0.5)}
    # By hand: (1/4)|1 - 0.55| + (1/4)|1 - 0.8| + (2/4)|0.5 - 0.95|.
    assert result.expected_calibration_error == pytest.approx(0.45 / 4 + 0.2 / 4 + 0.45 / 2)
    assert result.count == 4
    assert "4 test photos" in result.sentence and "points on average" in result.sentence
    assert calibration.Reliability.from_dict(result.as_dict()).expected_calibration_error == pytest.approx(
        result.expected_calibration_error, abs=1e-5)


def test_temperature_scaling_recovers_the_fixture_temperature_and_lowers_its_ece(overconfident_model):
    extractor = feature_extractor(overconfident_model)
    red, labels = sample(4000, seed=1)
    logits = extractor(flat_photos(red)).logits
    np.testing.assert_allclose(logits[:, 0], TRUE_TEMPERATURE * bayes_logit(red), rtol=1e-4, atol=1e-4)
    test_red, test_labels = sample(4000, seed=2)
    test_logits = extractor(flat_photos(test_red)).logits
    fitted = calibration.calibrate(logits, labels, test_logits, test_labels)
    assert fitted.temperature == pytest.approx(TRUE_TEMPERATURE, rel=0.1)
    assert fitted.ece_before > 0.08  # the fixture is over-confident on purpose
    assert fitted.ece_after < 0.03 and fitted.ece_after < fitted.ece_before / 3
    assert "softened" in fitted.sentence and f"T = {fitted.temperature:.2f}" in fitted.sentence


def test_temperature_never_changes_the_answer_and_works_for_softmax():
    rng = np.random.default_rng(3)
    true_logits = rng.normal(0, 2, (3000, 3))
    labels = np.array([rng.choice(3, p=np.exp(row) / np.exp(row).sum()) for row in true_logits])
    stated = true_logits / 2.0  # under-confident by a factor of 2
    temperature = calibration.fit_temperature(stated, labels)
    assert temperature == pytest.approx(0.5, rel=0.12)
    before = calibration.calibrated_probabilities(stated)
    after = calibration.calibrated_probabilities(stated, temperature)
    np.testing.assert_array_equal(before.argmax(axis=1), after.argmax(axis=1))
    np.testing.assert_allclose(after.sum(axis=1), 1.0)


def test_sigmoid_probabilities_match_the_formula():
    probabilities = calibration.calibrated_probabilities(np.array([[0.0], [2.0]]), temperature=2.0)
    np.testing.assert_allclose(probabilities[:, 1], [0.5, 1 / (1 + np.exp(-1.0))])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_bad_input_gets_a_clear_message():
    with pytest.raises(ValueError, match="positive"):
        calibration.calibrated_probabilities(np.zeros((2, 1)), temperature=0)
    with pytest.raises(ValueError, match="labels"):
        calibration.fit_temperature(np.zeros((3, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="probabilities"):
        calibration.reliability(np.zeros(4), np.zeros(4), "test")


def test_weights_make_a_small_group_count_as_much_as_a_large_one():
    from core.prediction.calibration import fit_temperature, negative_log_likelihood

    # Group A (1000 photos) is calibrated at T = 1; group B (50 photos) is over-confident by 3.
    def group(count, inflate, seed):
        generator = np.random.default_rng(seed)
        logits = generator.normal(0, 2, count)
        labels = (generator.random(count) < 1 / (1 + np.exp(-logits))).astype(int)
        return logits * inflate, labels
    a_logits, a_labels = group(1000, 1.0, 1)
    b_logits, b_labels = group(50, 3.0, 2)
    logits, labels = np.r_[a_logits, b_logits][:, None], np.r_[a_labels, b_labels]
    pooled = fit_temperature(logits, labels)
    weighted = fit_temperature(logits, labels, np.r_[np.ones(1000), np.full(50, 20.0)])
    assert pooled < 1.3 < weighted  # B pulls T towards 3 only when it weighs as much as A
    # The weighted loss is the average of the two groups' losses, worked out by hand.
    by_hand = 0.5 * negative_log_likelihood(a_logits[:, None], a_labels, 2.0) + \
        0.5 * negative_log_likelihood(b_logits[:, None], b_labels, 2.0)
    assert negative_log_likelihood(logits, labels, 2.0, np.r_[np.ones(1000), np.full(50, 20.0)]) == \
        pytest.approx(by_hand)
    with pytest.raises(ValueError, match="weights"):
        fit_temperature(logits, labels, np.ones(3))
