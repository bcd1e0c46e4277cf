"""core/wording/percent.py: every percentage the app shows, a model's probability or a measured share."""

import pytest

from core.wording.percent import percentage_points, probability_percent, share_percent


@pytest.mark.parametrize("probability, whole, one_decimal", [
    (0.97, "97%", "97.0%"),
    (0.973, "97%", "97.3%"),
    (0.995, "over 99%", "99.5%"),
    (0.99996, "over 99%", "over 99.9%"),
    (1.0, "over 99%", "over 99.9%"),  # float32 rounding, not a certain model
    (0.0049, "under 1%", "0.5%"),
    (0.005, "under 1%", "0.5%"),  # Python writes 0.005 as '0%': that would read as never
    (0.00002, "under 1%", "under 0.1%"),
    (0.0, "under 1%", "under 0.1%"),
    (float("nan"), "unknown", "unknown"),
])
def test_a_probability_never_reads_as_certain(probability, whole, one_decimal):
    assert probability_percent(probability) == whole
    assert probability_percent(probability, decimals=1) == one_decimal


@pytest.mark.parametrize("share, whole, one_decimal, fitted", [
    (0.74, "74%", "74.0%", "74%"),
    (0.895, "90%", "89.5%", "90%"),
    (0.997, "over 99%", "99.7%", "99.7%"),
    (0.9996, "over 99%", "over 99.9%", "over 99.9%"),
    (0.003, "under 1%", "0.3%", "0.3%"),
    (0.0004, "under 1%", "under 0.1%", "under 0.1%"),
    (1.0, "100%", "100%", "100%"),  # counted: every one of them
    (0.0, "0%", "0%", "0%"),  # counted: none of them
    (float("nan"), "unknown", "unknown", "unknown"),
])
def test_a_measured_share_is_exact_only_when_it_was_counted_so(share, whole, one_decimal, fitted):
    assert share_percent(share) == whole
    assert share_percent(share, decimals=1) == one_decimal
    assert share_percent(share, decimals=None) == fitted


def test_a_difference_is_given_in_percentage_points_with_one_decimal():
    assert percentage_points(0.055) == "5.5" and percentage_points(0.0) == "0.0"
    assert percentage_points(0.021 - 0.055, signed=True) == "-3.4" and percentage_points(0.012, signed=True) == "+1.2"
    assert percentage_points(float("nan")) == "unknown"
