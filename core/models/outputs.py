"""What a classifier's output layer means: how many classes its units stand for."""

from __future__ import annotations


def class_count(units: int) -> int:
    """The number of classes ``units`` output units stand for: one sigmoid unit means two classes."""
    units = int(units)
    if units < 1:
        raise ValueError(f"A classifier has at least one output unit, got {units}.")
    return 2 if units == 1 else units
