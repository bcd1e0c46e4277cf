"""Number grids: a heat map with every number written in its cell (the lab's matrices, windows and outputs).

A figure is a plain Plotly dict wrapped in :class:`GridFigure`. ``st.plotly_chart``
re-validates a plain dict through plotly's property validators (about 10 ms
per small chart on a busy 2-core machine); a ``BaseFigure`` is passed on as
``to_dict()`` without that, which keeps a lab step well under 100 ms. The tests
validate the dicts with plotly instead.
"""

from __future__ import annotations

import numpy as np
from plotly.basedatatypes import BaseFigure

from core.arithmetic.numbers import format_number
from core.figures import colour_vision

CELL_PIXELS = 52  # largest cell; smaller when several charts share a row
MAIN_WIDTH = 690  # pixels the charts of one row may use: fits the centred layout (736 px) too
CHART_EXTRA = 46  # tick labels and margins around each grid
MIN_CHART = 150  # the browser draws plots at least about this wide
MIN_CELL = 26
HIGHLIGHT = "#E69F00"  # Okabe-Ito orange: visible on grey and on the sign colours, and to colour-blind viewers
HIGHLIGHT_EDGE = "black"
FRAME = "#1f6feb"
GREYS = [[0.0, "rgb(40,40,40)"], [1.0, "rgb(250,250,250)"]]
#: Signed numbers everywhere (the lab, the lesson, feature maps, weights, the drill-down): orange < 0 < blue,
#: near-white at 0: ColorBrewer's PuOr orange half and RdBu blue half. Blue against orange is the one hue contrast
#: that red–green colour blindness keeps (tests/core/figures/test_colour_vision.py measures it). The blue is a
#: steel blue (hue 210°), 30° away from a blue channel's colour, and the numbers carry their minus signs.
SIGN_NEGATIVE = "#e66101"
SIGN_POSITIVE = "#2166ac"
SIGN_SCALE = [[0.0, SIGN_NEGATIVE], [0.25, "#fdb863"], [0.5, "#f7f7f7"], [0.75, "#92c5de"], [1.0, SIGN_POSITIVE]]
#: Below this relative luminance white text has the higher contrast, above it black: (L + 0.05)² = 0.05 × 1.05.
WHITE_TEXT_BELOW = 0.1791
DIM_TEXT = "#8a8a8a"
MISSING_TEXT = "#555555"
UNKNOWN = "?"  # an output cell the steps have not reached yet

#: (top, left, height, width) of a box of cells, 0-based.
Box = tuple[int, int, int, int]


class GridFigure(BaseFigure):
    """A finished figure dict, and the title the page writes above it (never colliding with the ticks)."""

    def __init__(self, spec: dict, title: str = "") -> None:  # BaseFigure.__init__ (the validation) skipped on purpose
        self._spec = spec
        self._title = title

    @property
    def title(self) -> str:
        return self._title

    def to_dict(self) -> dict:
        return self._spec


def format_labels(values: np.ndarray) -> np.ndarray:
    """Each number as format_number() writes it, in an object array of the same shape."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values.astype(object)
    return np.vectorize(format_number, otypes=[object])(values)


def text_colours(values: np.ndarray, low: float, high: float, diverging: bool) -> list[str]:
    """Black or white for each number, whichever reads better on its cell's colour."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if diverging:
        # The cell's own colour decides: only the darkest blues (about the top tenth of the range) need white.
        extent = max(abs(low), abs(high), 1e-12)
        cells = colour_vision.colours_at(SIGN_SCALE, 0.5 + 0.5 * np.nan_to_num(values) / extent)
        dark = colour_vision.relative_luminance(cells) < WHITE_TEXT_BELOW
    colours = []
    for index, value in enumerate(values):
        if np.isnan(value):
            colours.append(MISSING_TEXT)
        elif diverging:
            colours.append("white" if dark[index] else "black")
        else:
            fraction = 0.5 if high <= low else (value - low) / (high - low)
            colours.append("black" if fraction > 0.45 else "white")
    return colours


#: Font sizes a grid's numbers may take, largest first, and the width of a digit as a share of the size.
FONT_SIZES = (15, 13, 11, 10)
CHARACTER_WIDTH = 0.6
TEXT_MARGIN = 6  # pixels kept free inside a cell around its number


def _text_width(label: object) -> float:
    """A label's width in digits: a decimal point is about half a digit wide."""
    text = str(label)
    return len(text) - 0.5 * text.count(".")


def _longest(labels: object) -> float:
    return max((_text_width(label) for label in np.ravel(np.asarray(labels, dtype=object))), default=1.0)


def label_font_size(labels: object, cell: int) -> int:
    """The largest font (no larger than the cell's usual one) at which the longest label fits inside a cell."""
    usual = 15 if cell >= 44 else (13 if cell >= 34 else 11)
    longest = _longest(labels)
    for size in FONT_SIZES:
        if size <= usual and longest * size * CHARACTER_WIDTH <= cell - TEXT_MARGIN:
            return size
    return FONT_SIZES[-1]


def needed_cell(*matrices: np.ndarray) -> int:
    """The smallest cell in which every number of ``matrices``, as written, fits at the smallest font."""
    longest = max((_longest(format_labels(matrix)) for matrix in matrices if np.size(matrix)), default=1)
    return int(np.ceil(longest * FONT_SIZES[-1] * CHARACTER_WIDTH + TEXT_MARGIN))


def default_cell(rows: int, cols: int) -> int:
    """Cell size in pixels for a grid shown alone: full size up to 7 cells a side, then smaller."""
    side = max(rows, cols)
    return CELL_PIXELS if side <= 7 else max(30, CELL_PIXELS * 7 // side)


def fit_cells(*column_counts: int, budget: int = MAIN_WIDTH, min_cell: int = MIN_CELL) -> tuple[int, list[int]]:
    """A cell size so that grids side by side fit ``budget`` pixels, and st.columns weights to match.

    ``min_cell`` (see needed_cell()) wins over the budget: numbers must fit their cells.
    """
    # Each chart also needs its tick labels and margins, and st.columns puts a 1 rem gap between columns.
    cell = (budget - (CHART_EXTRA + 18) * len(column_counts)) // max(sum(column_counts), 1)
    cell = int(min(max(cell, MIN_CELL, min_cell), max(CELL_PIXELS, min_cell)))
    return cell, [max(count * cell + CHART_EXTRA, MIN_CHART) for count in column_counts]


def _box(box: Box, line: dict) -> dict:
    top, left, height, width = box
    return {"type": "rect", "x0": left - 0.5, "x1": left + width - 0.5, "y0": top - 0.5, "y1": top + height - 0.5,
            "line": line}


def number_grid_figure(
    values: np.ndarray,
    *,
    title: str = "",
    diverging: bool = False,
    labels: np.ndarray | None = None,
    highlight: Box | None = None,
    frame: Box | None = None,
    dim: np.ndarray | None = None,
    value_range: tuple[float, float] | None = None,
    row_offset: int = 0,
    col_offset: int = 0,
    cell: int | None = None,
) -> GridFigure:
    """A heat map with the numbers written in the cells.

    ``highlight`` is the current window (orange), ``frame`` the real input
    inside the padding (dashed blue); ``dim`` marks cells (padding) whose numbers
    are written in grey. NaN cells stay blank. Each cell's ``customdata`` is its
    1-based (row, column) plus the offsets, for the hover text: a click is read
    from the axis position instead.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"A number grid needs a 2-D matrix, got shape {values.shape}.")
    rows, cols = values.shape
    finite = values[np.isfinite(values)]
    if value_range is not None:
        low, high = float(value_range[0]), float(value_range[1])
    else:
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 1.0
    if diverging:
        extent = max(abs(low), abs(high), 1e-12)
        low, high = -extent, extent
    elif high <= low:
        low, high = low - 1, high + 1
    if labels is None:
        labels = format_labels(values)
    elif np.shape(labels) != values.shape:
        raise ValueError(f"The labels have shape {np.shape(labels)} but the values have shape {values.shape}.")
    colours = text_colours(values, low, high, diverging)
    if dim is not None:
        colours = [DIM_TEXT if flag else colour for flag, colour in zip(np.asarray(dim).ravel(), colours)]
    if cell is None:
        cell = max(default_cell(rows, cols), needed_cell(values))
    row_index, col_index = np.mgrid[0:rows, 0:cols]
    cell_rows, cell_cols = row_index.ravel(), col_index.ravel()
    shapes = []
    if frame is not None:
        shapes.append(_box(frame, {"color": FRAME, "width": 2, "dash": "dash"}))
    if highlight is not None:
        # Black on both sides of the orange line: the box shows on an orange (negative) cell and on a black one.
        shapes.append(_box(highlight, {"color": HIGHLIGHT_EDGE, "width": 8}))
        shapes.append(_box(highlight, {"color": HIGHLIGHT, "width": 4}))
    tick_axis = {"showgrid": False, "zeroline": False, "fixedrange": True, "tickmode": "array"}
    width = max(cols * cell + 40, MIN_CHART)
    spec = {
        "data": [
            {"type": "heatmap", "z": np.where(np.isnan(values), None, values).tolist(),
             "colorscale": SIGN_SCALE if diverging else GREYS, "zmin": low, "zmax": high, "showscale": False,
             "hoverinfo": "skip", "xgap": 1, "ygap": 1},
            # Transparent square markers carry the numbers and make each cell clickable.
            {"type": "scatter", "x": cell_cols.tolist(), "y": cell_rows.tolist(), "mode": "markers+text",
             "text": [str(label) for label in np.asarray(labels).ravel()],
             "textfont": {"color": colours, "size": label_font_size(labels, cell)},
             "marker": {"symbol": "square", "size": cell - 6, "color": "rgba(0,0,0,0)"},
             "customdata": [[int(row + 1 + row_offset), int(col + 1 + col_offset)]
                            for row, col in zip(cell_rows, cell_cols)],
             "hovertemplate": "row %{customdata[0]}, column %{customdata[1]}<extra></extra>",
             "showlegend": False},
        ],
        "layout": {
            # Narrow charts are widened with a right margin: the browser draws plots at least ~150 px wide.
            "width": width, "height": rows * cell + 30,
            "margin": {"l": 30, "r": width - 30 - cols * cell, "t": 25, "b": 5},
            "xaxis": {**tick_axis, "side": "top", "tickvals": list(range(cols)),
                      "ticktext": [str(col + 1 + col_offset) for col in range(cols)], "range": [-0.5, cols - 0.5]},
            "yaxis": {**tick_axis, "range": [rows - 0.5, -0.5], "tickvals": list(range(rows)),
                      "ticktext": [str(row + 1 + row_offset) for row in range(rows)]},
            "shapes": shapes, "dragmode": False, "plot_bgcolor": "white", "paper_bgcolor": "white",
            "hovermode": "closest", "clickmode": "event+select",
        },
    }
    return GridFigure(spec, title)


def filled_through(values: np.ndarray, step_index: int) -> np.ndarray:
    """The output as far as the steps have got: cells after ``step_index`` (row by row) are NaN."""
    values = np.asarray(values, dtype=np.float64)
    if not 0 <= step_index < values.size:
        raise ValueError(f"Step {step_index + 1} does not exist: this output has {values.size} cells.")
    filled = np.full(values.shape, np.nan)
    done = np.arange(values.size) <= step_index
    filled.ravel()[done] = values.ravel()[done]
    return filled


def progress_figure(values: np.ndarray, step_index: int, *, title: str, value_range: tuple[float, float],
                    diverging: bool = False, cell: int | None = None) -> GridFigure:
    """The output grid during stepping: the cells done so far, "?" for the rest, the current cell outlined.

    ``value_range`` is the whole output's, so a cell keeps its colour as more cells appear.
    """
    filled = filled_through(values, step_index)
    labels = np.where(np.isnan(filled), UNKNOWN, format_labels(filled))
    row, col = divmod(int(step_index), filled.shape[1])
    return number_grid_figure(filled, title=title, diverging=diverging, labels=labels, highlight=(row, col, 1, 1),
                              value_range=value_range, cell=cell)
