"""Percentages as the app says them: one rule for a model's probability, one for a measured share.

A percentage on screen must never claim more than the number behind it. A
model's probability is never a certainty, so it never reads 0% or 100%; a
measured share of photos can be exactly none or all, and then says so, but a
share that only rounds to 0% or 100% does not. Every percentage in sentences,
captions and tables comes from these two functions.
"""

from __future__ import annotations

import math


def _never_an_end(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` places, or 'under 1%' / 'over 99%' (at that precision) where it would read 0 or 100."""
    text = f"{value:.{decimals}%}"
    step = 10.0 ** -decimals / 100  # one unit of the last digit shown, as a share
    if value >= 1 or (value > 0.5 and text == f"{1:.{decimals}%}"):
        return f"over {1 - step:.{decimals}%}"
    if value <= 0 or (value < 0.5 and text == f"{0:.{decimals}%}"):
        return f"under {step:.{decimals}%}"
    return text


def probability_percent(probability: float, decimals: int = 0) -> str:
    """A model's probability: '97%' ('97.3%' with ``decimals=1``).

    Rule: never 0% or 100%, because a network is never certain. What would
    round to either reads 'under 1%' or 'over 99%' ('under 0.1%', 'over
    99.9%' with one decimal); so does an exact 0.0 or 1.0, which float32
    rounding gives, not the model. Not a number reads 'unknown'.
    """
    if not math.isfinite(probability):
        return "unknown"
    return _never_an_end(float(probability), decimals)


def share_percent(share: float, decimals: int | None = 0) -> str:
    """A measured share, such as an accuracy: '74%' ('89.5%' with ``decimals=1``, which must not read as 90%).

    Rule: an exact 0 or 1 was counted, so it reads '0%' or '100%' (no
    decimals: none or all needs none). Anything else never rounds to 0% or
    100%: 'under 1%', 'over 99%' ('under 0.1%', 'over 99.9%' with one
    decimal). ``decimals=None`` gives whole percentages where they are
    true and one decimal where a whole one would read 0% or 100%: 0.85 ->
    '85%', 0.997 -> '99.7%'. Not a number reads 'unknown'.
    """
    if not math.isfinite(share):
        return "unknown"
    share = float(share)
    if share <= 0 or share >= 1:
        return "100%" if share >= 1 else "0%"
    if decimals is None:
        whole = f"{share:.0%}"
        decimals = 1 if whole in ("0%", "100%") else 0
    return _never_an_end(share, decimals)


def percentage_points(difference: float, signed: bool = False) -> str:
    """A difference between two percentages, such as a calibration error, in percentage points: 0.055 -> '5.5'.

    Rule: one decimal, and no unit, so the sentence or the table heading
    names it ('5.5 points'); ``signed`` writes the direction of a change
    ('+1.2', '-3.4'). Not a number reads 'unknown'.
    """
    if not math.isfinite(difference):
        return "unknown"
    return f"{100 * difference:{'+' if signed else ''}.1f}"
