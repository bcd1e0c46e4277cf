"""How a learner reads a filter's or a map's number: counted from 1, as the lab counts conv1's filters.

The arrays index filters and maps from 0; every caption, control, label and
message a learner reads turns that index into this number.
"""

from __future__ import annotations


def shown_number(index: int) -> int:
    """The number a learner reads for the filter or map at 0-based ``index`` (filter 1 is index 0)."""
    return int(index) + 1
