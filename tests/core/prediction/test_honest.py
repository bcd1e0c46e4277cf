"""core/prediction/honest.py: the honest sentences and the "not sure" rule, from numbers set by hand."""

import numpy as np
import pytest

from core.prediction import honest
from core.prediction.calibration import Reliability, ReliabilityBin


def test_the_model_gives_a_whole_percent_that_never_reads_as_certainty():
    assert honest.model_gives(0.8349, "dogs") == "The model gives it 83% dog."
    assert honest.model_gives(0.9951, "cats") == "The model gives it over 99% cat."


def test_track_record_reads_the_bin_of_the_score():
    bins = (ReliabilityBin(0.5, 0.9, 4, 0.7, 0.5), ReliabilityBin(0.9, 1.0, 400, 0.97, 0.965))
    record = honest.track_record(Reliability(bins, "test"), 0.93)
    assert (record.count, record.right) == (400, 386)
    assert record.sentence == ("Of the 400 test photos it scores like this (between 90% and 100%), "
                               "about 97 in 100 were right.")
    thin = honest.track_record(Reliability(bins, "test"), 0.6)
    assert "Only 4 of the test photos" in thin.sentence and "too few" in thin.sentence


def band(lower: float, count: int, right: int):
    confidence = np.full(count, lower + 0.01)
    labels = np.r_[np.ones(right), np.zeros(count - right)].astype(int)  # class 1 is the answer
    return np.stack([1 - confidence, confidence], axis=1), labels


def test_not_sure_threshold_is_the_top_of_the_highest_weak_band():
    parts = [band(0.50, 10, 5), band(0.55, 10, 7), band(0.60, 10, 9), band(0.70, 5, 1), band(0.90, 50, 50)]
    probabilities = np.concatenate([p for p, _ in parts])
    labels = np.concatenate([label for _, label in parts])
    rule = honest.choose_unsure_threshold(probabilities, labels)
    # 50% and 70% right in the two lowest bands; 90% from 0.60; the 0.70 band has too few photos to count.
    assert rule.threshold == pytest.approx(0.60)
    assert (rule.below_count, rule.below_right, rule.above_count, rule.above_right) == (20, 12, 65, 60)
    assert "less than 60%" in rule.rule and "fewer than 80 in 100" in rule.rule
    assert rule.sentence == ("On the validation photos it held back 20 (60% of them would have been right) and "
                             "answered 65 (92% right).")
    assert honest.UnsureRule.from_dict(rule.as_dict()) == rule


def test_a_model_right_everywhere_is_never_unsure():
    probabilities, labels = band(0.55, 30, 30)
    rule = honest.choose_unsure_threshold(probabilities, labels)
    assert rule.threshold == 0.5 and rule.below_count == 0
    assert rule.sentence.startswith("None of the validation photos scored below it")
    assert rule.rule.startswith("The app always names a class")
    with pytest.raises(ValueError, match="labels"):
        honest.choose_unsure_threshold(probabilities, labels[:3])


def test_a_track_record_of_fewer_than_30_photos_is_given_as_counts():
    from core.prediction.honest import TrackRecord

    few = TrackRecord(0.7, 0.6, 0.7, 12, 6, "held-out real")
    assert few.sentence == "Of the 12 held-out real photos it scored like this (between 60% and 70%), 6 were right."
    many = TrackRecord(0.95, 0.9, 1.0, 131, 128, "held-out real")
    assert many.sentence.endswith("about 98 in 100 were right.")
    assert TrackRecord(0.95, 0.9, 1.0, 117, 117, "held-out real").sentence == (
        "All 117 held-out real photos it scores like this (between 90% and 100%) were right.")
    assert "too few" in TrackRecord(0.7, 0.6, 0.7, 4, 3, "test").sentence


def test_the_not_sure_rule_says_it_skips_thin_bands():
    from core.prediction.honest import MIN_EVIDENCE, choose_unsure_threshold

    # 0.55-0.60: 12 photos, 6 right (a weak band); 0.60-0.65: 3 photos, none right (too thin to count).
    probabilities = np.array([[0.43, 0.57]] * 12 + [[0.38, 0.62]] * 3 + [[0.05, 0.95]] * 40)
    labels = np.array([1] * 6 + [0] * 6 + [0] * 3 + [1] * 40)
    rule = choose_unsure_threshold(probabilities, labels)
    assert rule.threshold == pytest.approx(0.6)  # the thin band above it is skipped...
    assert f"of those with at least {MIN_EVIDENCE} photos" in rule.rule  # ...and the sentence says so
