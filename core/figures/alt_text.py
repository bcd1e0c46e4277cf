"""Text alternatives for charts: what a screen reader says instead of a picture, worked out from its numbers.

:func:`describe` reads any figure the app draws (a Plotly figure or its dict) and says what kind of chart it
is, its title and axes, and its numbers in brief: each bar of a short bar chart, each line's first, last and
highest value, a grid's size and range. A view with a better sentence (a heat map's ``caption``) passes that
instead. :func:`grid_table` gives a number grid's cells as rows and columns, for a table beside the grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.arithmetic.numbers import format_count, format_number

#: A bar chart with at most this many bars names every bar; longer ones give their range.
MAX_NAMED_BARS = 8


def figure_dict(figure: object) -> dict:
    """The figure as a plain dict (a Plotly figure's ``to_dict()``, a GridFigure's spec, or the dict itself)."""
    if isinstance(figure, Mapping):
        return dict(figure)
    to_dict = getattr(figure, "to_dict", None)
    if to_dict is None:
        raise ValueError(f"Cannot describe a {type(figure).__name__}: expected a Plotly figure or its dict.")
    return to_dict()


def _text(value: object) -> str:
    """A title's text, whether Plotly keeps it as a string or as {'text': ...}; HTML line breaks become spaces."""
    if isinstance(value, Mapping):
        value = value.get("text")
    if not value:
        return ""
    text = str(value)
    for tag in ("<br>", "<br/>", "<br />"):
        text = text.replace(tag, " ")
    return " ".join(text.split())


def _numbers(values: object) -> np.ndarray:
    """Finite numbers only (None and NaN dropped), as floats."""
    if values is None:
        return np.array([])
    array = np.asarray(values, dtype=object).ravel()
    numbers = np.array([float(value) for value in array
                        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool)])
    return numbers[np.isfinite(numbers)] if numbers.size else numbers


def _number(value: float) -> str:
    """As the app writes numbers (a true minus sign), to at most 2 decimals: a sentence, not a table."""
    return format_number(round(float(value), 2))


def _axis_title(layout: Mapping, name: str) -> str:
    return _text((layout.get(name) or {}).get("title"))


def _bar_sentence(trace: Mapping) -> str:
    horizontal = trace.get("orientation") == "h"
    labels = list(trace.get("y" if horizontal else "x") or [])
    values = list(trace.get("x" if horizontal else "y") or [])
    name = _text(trace.get("name"))
    prefix = f"{name}: " if name else ""
    numbers = _numbers(values)
    if not numbers.size:
        return f"{prefix}no bars"
    if len(values) <= MAX_NAMED_BARS and len(labels) == len(values):
        return prefix + ", ".join(f"{label} {_number(value)}" for label, value in zip(labels, values)
                                  if value is not None)
    return f"{prefix}{numbers.size} bars from {_number(numbers.min())} to {_number(numbers.max())}"


def _line_sentence(trace: Mapping) -> str:
    values = list(trace.get("y") or [])
    xs = list(trace.get("x") or range(1, len(values) + 1))
    numbers = _numbers(values)
    name = _text(trace.get("name")) or "the line"
    if not numbers.size:
        return f"{name}: no points"
    if len(values) == 1 or numbers.size == 1:
        return f"{name}: {_number(numbers[0])}"
    finite = [(x, float(y)) for x, y in zip(xs, values) if y is not None and np.isfinite(float(y))]
    (first_x, first), (last_x, last) = finite[0], finite[-1]
    peak_x, peak = max(finite, key=lambda point: point[1])
    sentence = f"{name}: from {_number(first)} at {first_x} to {_number(last)} at {last_x}"
    if peak > max(first, last):
        sentence += f", highest {_number(peak)} at {peak_x}"
    return sentence


def _grid_sentence(trace: Mapping) -> str:
    z = trace.get("z")
    shape = np.asarray(z, dtype=object).shape if z is not None else ()
    numbers = _numbers(z)
    if len(shape) != 2 or not numbers.size:
        return "an empty grid"
    return (f"a {shape[0]}×{shape[1]} grid of numbers from {_number(numbers.min())} to {_number(numbers.max())}, "
            f"mean {_number(numbers.mean())}")


def _span(first: int, last: int, ticks: Sequence[str], word: str) -> str:
    """'row 2' or 'rows 2–4', in the numbers the grid's ticks show (a crop's rows need not start at 1)."""
    name = lambda index: str(ticks[index]) if 0 <= index < len(ticks) else str(index + 1)  # noqa: E731
    return f"{word} {name(first)}" if first == last else f"{word}s {name(first)}–{name(last)}"


def _box_sentence(layout: Mapping) -> str:
    """Where a grid's boxes are (core.figures.number_grid draws them as rectangles in cell coordinates)."""
    rows = (layout.get("yaxis") or {}).get("ticktext") or ()
    columns = (layout.get("xaxis") or {}).get("ticktext") or ()
    parts = []
    for shape in layout.get("shapes") or ():
        if shape.get("type", "rect") != "rect" or not all(key in shape for key in ("x0", "x1", "y0", "y1")):
            continue
        top, bottom = sorted((shape["y0"], shape["y1"]))
        left, right = sorted((shape["x0"], shape["x1"]))
        parts.append(f"{_span(round(top + 0.5), round(bottom - 0.5), rows, 'row')}, "
                     f"{_span(round(left + 0.5), round(right - 0.5), columns, 'column')}")
    return f"A box marks {'; another marks '.join(parts)}." if parts else ""


def describe(figure: object, title: str = "") -> str:
    """One or two sentences a screen reader can say instead of the chart, from the chart's own numbers."""
    spec = figure_dict(figure)
    layout = spec.get("layout") or {}
    traces = [trace for trace in spec.get("data") or () if trace.get("visible", True) is not False]
    title = title or _text(getattr(figure, "title", "")) or _text(layout.get("title"))
    kinds = {trace.get("type", "scatter") for trace in traces}
    parts: list[str] = []
    if kinds & {"heatmap", "image"}:
        grids = [trace for trace in traces if trace.get("type") == "heatmap"]
        if any(trace.get("type") == "image" for trace in traces):
            parts.append("the photo" + (" with a heat map over it" if grids else ""))
        parts += [_grid_sentence(trace) for trace in grids]
        highlight = _box_sentence(layout)
        kind = "Picture" if "image" in kinds else "Number grid"
    elif "bar" in kinds:
        parts = [_bar_sentence(trace) for trace in traces if trace.get("type") == "bar"]
        highlight, kind = "", "Bar chart"
    else:
        lines = [trace for trace in traces if trace.get("type", "scatter") == "scatter" and trace.get("y") is not None]
        parts = [_line_sentence(trace) for trace in lines]
        highlight, kind = "", "Line chart" if any("lines" in str(trace.get("mode", "lines")) for trace in lines) \
            else "Chart"
    axes = [text for text in (_axis_title(layout, "xaxis"), _axis_title(layout, "yaxis")) if text]
    head = f"{kind}: {title}" if title else kind
    if axes and kind != "Number grid":
        head += f" ({' against '.join(reversed(axes))})"
    body = "; ".join(part for part in parts if part)
    return " ".join(part for part in (f"{head}. {body[:1].upper()}{body[1:]}." if body else f"{head}.", highlight)
                    if part)


@dataclass(frozen=True)
class GridTable:
    """A number grid's cells as the grid writes them, with its row and column numbers."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]


def grid_table(figure: object) -> GridTable:
    """The numbers of a grid from core.figures.number_grid (the text its cells show), row by row."""
    spec = figure_dict(figure)
    layout = spec.get("layout") or {}
    grid = next((trace for trace in spec.get("data") or () if trace.get("type") == "heatmap"), None)
    labels = next((trace for trace in spec.get("data") or () if trace.get("type") == "scatter"
                   and trace.get("text") is not None), None)
    if grid is None:
        raise ValueError("This figure has no grid of numbers.")
    shape = np.asarray(grid["z"], dtype=object).shape
    if labels is not None and len(labels["text"]) == shape[0] * shape[1]:
        texts: Sequence[str] = [str(text) for text in labels["text"]]
    else:
        texts = ["" if value is None else _number(value) for value in np.asarray(grid["z"], dtype=object).ravel()]
    rows = tuple((layout.get("yaxis") or {}).get("ticktext") or [str(row + 1) for row in range(shape[0])])
    columns = tuple((layout.get("xaxis") or {}).get("ticktext") or [str(col + 1) for col in range(shape[1])])
    cells = tuple(tuple(texts[row * shape[1]:(row + 1) * shape[1]]) for row in range(shape[0]))
    return GridTable(rows, columns, cells)


def photo_answer_alt(what: str, shape: Sequence[int], answer: str) -> str:
    """A photo the model answered: what it is, its size as the model receives it, and the answer ('cat (97%)')."""
    height, width = int(shape[0]), int(shape[1])
    return f"{what}, {width}×{height} pixels as the model receives it: the model says {answer}."


def nudge_alt(change: np.ndarray, magnification: float) -> str:
    """The nudge picture (grey where a number did not move, brighter where raised, darker where lowered), in numbers:
    how many of the photo's numbers went up, down or stayed, and by how many levels at most."""
    change = np.asarray(change)
    raised, lowered = int(np.count_nonzero(change > 0)), int(np.count_nonzero(change < 0))
    if not raised and not lowered:
        return "The nudge: plain grey, since no number of the photo moved."
    largest = format_number(int(np.abs(change).max()))
    return (f"The nudge, magnified ×{magnification:.0f}, as a grey picture: of the photo's {format_count(change.size)} "
            f"numbers, {format_count(raised)} were raised (brighter) and {format_count(lowered)} lowered (darker), "
            f"each by at most {largest} of 255 levels; {format_count(change.size - raised - lowered)} did not move.")
