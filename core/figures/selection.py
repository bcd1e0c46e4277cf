"""Reading which cell of a number grid or heat map a learner clicked.

Streamlit reports a Plotly click as ``{"selection": {"points": [...]}}``. A
point carries ``x`` and ``y`` and, where the figure set one, ``customdata``,
which arrives as a list for some traces and as a dict keyed "0", "1", ... for
others (heat maps). Every clickable chart reads its click here.
"""

from __future__ import annotations

from collections.abc import Mapping


def _pair(custom: object) -> tuple[int, int] | None:
    if isinstance(custom, Mapping):
        values = [custom.get(key, custom.get(str(key))) for key in (0, 1)]
    elif isinstance(custom, (list, tuple)):
        values = list(custom[:2])
    else:
        return None
    if len(values) != 2 or any(value is None for value in values):
        return None
    try:
        return int(values[0]), int(values[1])
    except (TypeError, ValueError):
        return None


def clicked_cell(event: object, *, use_customdata: bool = True, last: bool = True) -> tuple[int, int] | None:
    """(row, column) of the clicked point, or None when nothing usable was clicked.

    With ``use_customdata`` the figure's own (row, column) in ``customdata``
    wins over the axis position (used where axes are offset or labelled from 1).
    """
    try:
        points = event["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        return None
    if not points:
        return None
    point = points[-1] if last else points[0]
    if not isinstance(point, Mapping):
        return None
    if use_customdata:
        pair = _pair(point.get("customdata"))
        if pair is not None:
            return pair
    if "x" not in point or "y" not in point:
        return None
    try:
        return int(round(float(point["y"]))), int(round(float(point["x"])))
    except (TypeError, ValueError):
        return None
