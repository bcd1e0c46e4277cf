"""Numbers as the lab shows them (a real minus sign, no needless decimals) and matrices read from what a learner
typed."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The lab steps through at most this many rows and columns, so that every
#: number stays readable on a projector. Bigger images go to filter_image().
MAX_INPUT_SIDE = 12

MAX_KERNEL_SIDE = 7

MAX_STRIDE = 6

MAX_PADDING = 3

MAX_CHANNELS = 4

#: Biases typed into the lab stay within ± this.
MAX_BIAS = 1e6

MINUS = "\u2212"  # a real minus sign: "−2", not the hyphen "-2"

TIMES = "\u00d7"

DECIMALS = 4


def format_number(value: float, decimals: int = DECIMALS) -> str:
    """A number as a learner writes it: ``3`` not ``3.0``, ``−2`` with a real minus sign.

    Non-integers are rounded to ``decimals`` places with trailing zeros removed.
    """
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    rounded = round(value, decimals)
    if rounded == 0:
        return "0"  # never "−0"
    if rounded == int(rounded) and abs(rounded) < 1e15:
        text = str(int(rounded))
    else:
        text = f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def format_factor(value: float, decimals: int = DECIMALS) -> str:
    """A number inside an expression: negatives in parentheses, ``3×(−1)``."""
    text = format_number(value, decimals)
    return f"({text})" if text.startswith(MINUS) else text


def is_rounded(value: float, decimals: int = DECIMALS) -> bool:
    """True when format_number() had to round ``value`` (so "≈" is the honest sign)."""
    value = float(value)
    if not math.isfinite(value):
        return False
    return abs(value - round(value, decimals)) > 1e-9 * max(1.0, abs(value))


def equals(value: float, decimals: int = DECIMALS, *, terms: object = ()) -> str:
    """ "= 3.75", or "≈ 0.3333" when the written result, or any written term before it, was rounded."""
    rounded = is_rounded(value, decimals) or any(is_rounded(term, decimals) for term in _flat(terms))
    return f"{'≈' if rounded else '='} {format_number(value, decimals)}"


def _flat(terms: object) -> list[float]:
    if isinstance(terms, (tuple, list)):
        return [value for part in terms for value in _flat(part)]
    return [float(value) for value in np.ravel(np.asarray(terms, dtype=np.float64))]


def format_count(value: int) -> str:
    """An integer with thousands separators: 6,272."""
    return f"{int(value):,}"


def count_text(count: int, singular: str, plural: str | None = None) -> str:
    """'1 file', '2 files', '1,000 photos': a count with its noun agreeing ('1 batch', '3 batches' via ``plural``)."""
    noun = singular if int(count) == 1 else (plural if plural is not None else f"{singular}s")
    return f"{format_count(count)} {noun}"


_CELL_SPLIT = re.compile(r"[,\s;]+")


def _position(row: int, col: int, name: str, channel: int | None = None) -> str:
    where = f"In the {name}, row {row + 1}, column {col + 1}"
    if channel is not None:
        where += f", channel {channel + 1},"
    return where


def parse_cell(value: object, where: str) -> float:
    if value is None:
        raise ValueError(f"{where} is empty. Type a number there.")
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{where} holds {value}, not a number.")
    if isinstance(value, str):
        text = value.strip().replace(MINUS, "-").replace("\u2013", "-")
        if text == "":
            raise ValueError(f"{where} is empty. Type a number there.")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{where} holds {value.strip()!r}, which is not a number.") from None
    else:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{where} holds {value!r}, which is not a number.") from None
    if math.isnan(number):
        raise ValueError(f"{where} is empty or not a number (NaN). Type a number there.")
    if math.isinf(number):
        raise ValueError(f"{where} is infinite. Type an ordinary number there.")
    if abs(number) > 1e9:
        raise ValueError(f"{where} is {format_number(number)}; keep numbers below a billion so they stay readable.")
    return number


def parse_matrix(
    cells: object,
    *,
    name: str = "input",
    max_rows: int = MAX_INPUT_SIDE,
    max_cols: int = MAX_INPUT_SIDE,
    allow_channels: bool = False,
) -> np.ndarray:
    """Check a matrix typed by a person and return it as float64.

    ``cells`` may be a list of rows, a NumPy array or a pandas DataFrame. The
    result has shape (rows, cols), or (rows, cols, channels) when
    ``allow_channels`` is true and the input has a third axis.
    """
    if hasattr(cells, "to_numpy") and hasattr(cells, "columns"):  # a pandas DataFrame
        cells = cells.to_numpy(dtype=object)
    if cells is None:
        raise ValueError(f"The {name} is empty: it needs at least one row and one column.")
    if isinstance(cells, np.ndarray):
        rows_list = cells.tolist() if cells.ndim >= 2 else ([cells.tolist()] if cells.ndim == 1 else [[cells.item()]])
    elif isinstance(cells, Sequence) and not isinstance(cells, str):
        rows_list = list(cells)
    else:
        raise ValueError(f"The {name} must be a table of numbers, got {type(cells).__name__}.")
    if len(rows_list) == 0:
        raise ValueError(f"The {name} is empty: it needs at least one row and one column.")
    first = rows_list[0]
    if not isinstance(first, (Sequence, np.ndarray)) or isinstance(first, str):
        raise ValueError(f"The {name} must be a table (a list of rows), not a single list of numbers.")
    widths = [len(row) if isinstance(row, (Sequence, np.ndarray)) and not isinstance(row, str) else -1
              for row in rows_list]
    if widths[0] == 0:
        raise ValueError(f"The {name} is empty: its rows have no numbers.")
    for index, width in enumerate(widths):
        if width != widths[0]:
            count = "no list" if width < 0 else f"{width} number{'s' if width != 1 else ''}"
            raise ValueError(
                f"The {name} is ragged: row {index + 1} has {count} but row 1 has {widths[0]}. "
                "Every row needs the same number of columns."
            )
    row_count, col_count = len(rows_list), widths[0]
    if row_count > max_rows or col_count > max_cols:
        raise ValueError(
            f"The {name} is {row_count} × {col_count}; the lab steps through at most {max_rows} × {max_cols} "
            "numbers so every one stays readable. Use a smaller matrix (whole photos go to the Real photo section)."
        )
    channel_count = None
    values: list = []
    for row_index, row in enumerate(rows_list):
        row_values = []
        for col_index, cell in enumerate(row):
            is_vector = isinstance(cell, (Sequence, np.ndarray)) and not isinstance(cell, str)
            if is_vector:
                if not allow_channels:
                    raise ValueError(f"{_position(row_index, col_index, name)} holds a list, not a single number.")
                if channel_count is None:
                    channel_count = len(cell)
                    if not 1 <= channel_count <= MAX_CHANNELS:
                        raise ValueError(f"The {name} has {channel_count} channels; the lab shows 1 to {MAX_CHANNELS}.")
                if len(cell) != channel_count:
                    raise ValueError(
                        f"{_position(row_index, col_index, name)} has {len(cell)} channels but others have "
                        f"{channel_count}."
                    )
                row_values.append([parse_cell(item, _position(row_index, col_index, name, channel))
                                   for channel, item in enumerate(cell)])
            else:
                if channel_count is not None:
                    raise ValueError(f"{_position(row_index, col_index, name)} has no channels but others do.")
                row_values.append(parse_cell(cell, _position(row_index, col_index, name)))
        values.append(row_values)
    return np.asarray(values, dtype=np.float64)


def parse_matrix_text(text: str, *, name: str = "input", max_rows: int = MAX_INPUT_SIDE,
                      max_cols: int = MAX_INPUT_SIDE) -> np.ndarray:
    """Read a matrix typed or pasted as text.

    Rows are lines (or ``;``-separated, or ``[...]`` groups as in Python);
    numbers are separated by commas, spaces or tabs. ``−`` counts as a minus.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"The {name} is empty: type one row of numbers per line.")
    if "[" in text or "]" in text:
        rows_text = re.findall(r"\[([^\[\]]*)\]", text)
        if not rows_text:
            raise ValueError(f"The {name}'s brackets don't match: write rows like [1, 2, 3].")
    else:
        rows_text = [line for line in re.split(r"[\n;]", text) if line.strip()]
    rows = [[cell for cell in _CELL_SPLIT.split(row.strip()) if cell != ""] for row in rows_text]
    rows = [row for row in rows if row] or [[]]
    return parse_matrix(rows, name=name, max_rows=max_rows, max_cols=max_cols)


def matrix_to_text(matrix: np.ndarray, *, row_separator: str = "\n", ascii_minus: bool = True) -> str:
    """The inverse of parse_matrix_text() for a 2-D matrix (used for links and the paste box)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"Only 2-D matrices can be written as text, got shape {matrix.shape}.")
    # Links keep full precision (repr) so a shared matrix comes back identical.
    rows = []
    for row in matrix:
        cells = []
        for value in row:
            text = str(int(value)) if float(value).is_integer() else repr(float(value))
            cells.append(text if ascii_minus else text.replace("-", MINUS))
        rows.append(",".join(cells))
    return row_separator.join(rows)


def tidy(values: object, decimals: int = DECIMALS) -> np.ndarray:
    """``values`` rounded as format_number() writes them, for grids that show raw numbers.

    Sums of decimals carry float noise (``107.00000000000001``); an editable grid
    would show it digit for digit. Adding 0.0 turns −0 into 0.
    """
    return np.round(np.asarray(values, dtype=np.float64), decimals) + 0.0


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def format_power(log10_value: float, digits: int = 2) -> str:
    """The positive number 10^``log10_value`` as ``2.1 × 10⁻²³``; from its logarithm, so 10⁻⁸⁶⁹ works too."""
    exponent = math.floor(log10_value)
    mantissa = round(10 ** (log10_value - exponent), digits - 1)
    if mantissa >= 10:  # 9.96 rounded up to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{format_number(mantissa, digits - 1)} {TIMES} 10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


#: How many 9s (or 0s) a probability that rounds to 1 (or 0) shows before its "…".
SHOWN_REPEATS = 5


def probability_text(log10_probability: float, log10_complement: float, decimals: int = DECIMALS) -> str:
    """A probability as written, saying so when it only rounds to 1 or 0.

    For example ``0.99999… (1 − 2 × 10⁻²³, which rounds to 1)`` rather than a bare "1".

    Both the probability p and 1 − p come as base-10 logarithms: near 1, p and
    the subtraction 1 − p lose every digit in floating point, and e^(−z)
    underflows to 0 for a large z, which would make "= 1" look exact.
    """
    probability = 10 ** float(log10_probability)
    written = format_number(probability, decimals)
    if written == "1" and math.isfinite(log10_complement):
        nines = min(SHOWN_REPEATS, math.floor(-log10_complement))
        return f"0.{'9' * nines}… (1 {MINUS} {format_power(log10_complement)}, which rounds to 1)"
    if written == "0" and math.isfinite(log10_probability):
        zeros = min(SHOWN_REPEATS, math.floor(-log10_probability))
        return f"0.{'0' * zeros}… ({format_power(log10_probability)}, which rounds to 0)"
    return written


@dataclass(frozen=True)
class Clamped:
    """A number typed by a learner, kept inside what the lab shows, and a sentence when it had to be changed."""

    value: float
    message: str | None = None


def clamp_number(value: object, low: float, high: float, *, name: str, previous: float, whole: bool = True,
                 reason: str = "") -> Clamped:
    """``value`` kept between ``low`` and ``high`` (and whole when ``whole``), saying what was used and why.

    An emptied box (None) or something that is not a number keeps ``previous``.
    ``reason`` is one more sentence: why the limit is there.
    """
    kept = format_number(previous)
    try:
        number = None if value is None else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = None
    if number is None or not math.isfinite(number):
        what = "is empty" if value is None else f"({value!r}) is not an ordinary number"
        return Clamped(previous, f"{name} {what}, so the lab keeps {kept}. Type a number to change it.")
    used = min(max(round(number) if whole else number, low), high)
    why = f" {reason}" if reason else ""
    if used != (round(number) if whole else number):
        bound = f"more than the lab allows ({format_number(high)} at most)" if number > high else \
            f"less than the lab allows ({format_number(low)} at least)"
        return Clamped(used, f"{name} {format_number(number)} is {bound}, so it uses {format_number(used)}.{why}")
    if used != number:
        return Clamped(used, f"{name} must be a whole number, so the lab uses {format_number(used)} "
                             f"(from {format_number(number)}).")
    return Clamped(used)


def _is_empty(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return cell.strip() == ""
    return isinstance(cell, (float, np.floating)) and math.isnan(float(cell))


@dataclass(frozen=True, eq=False)
class CellReading:
    """A grid read from what was typed: empty cells count as ``fill``, and a sentence says which ones."""

    matrix: np.ndarray
    empty: tuple[tuple[int, int], ...]  # 0-based (row, column) of the cells that were empty
    name: str
    fill: float = 0.0
    column_names: tuple[str, ...] | None = None
    row_names: tuple[str, ...] | None = None

    def _where(self, row: int, col: int) -> str:
        """A named cell of a one-row (or one-column) grid by its name, any other by its row and column."""
        if self.column_names is not None and self.matrix.shape[0] == 1:
            return f"“{self.column_names[col]}”"
        if self.row_names is not None and self.matrix.shape[1] == 1:
            return f"“{self.row_names[row]}”"
        return f"row {row + 1}, column {col + 1}"

    @property
    def message(self) -> str | None:
        if not self.empty:
            return None
        fill = format_number(self.fill)
        if len(self.empty) == 1:
            where = self._where(*self.empty[0])
            return (f"The cell {where if where.startswith('“') else 'at ' + where} of the {self.name} is empty, "
                    f"so the lab counts it as {fill}. Type a number there to change it.")
        places = "; ".join(self._where(row, col) for row, col in self.empty[:4])
        more = f" and {len(self.empty) - 4} more" if len(self.empty) > 4 else ""
        return (f"{len(self.empty)} cells of the {self.name} are empty ({places}{more}), so the lab counts them as "
                f"{fill}. Type numbers there to change them.")


def read_cells(cells: object, *, name: str = "input", max_rows: int = MAX_INPUT_SIDE, max_cols: int = MAX_INPUT_SIDE,
               fill: float = 0.0, column_names: Sequence[str] | None = None,
               row_names: Sequence[str] | None = None) -> CellReading:
    """An edited grid checked by parse_matrix(), except that an emptied cell counts as ``fill`` (with a message).

    A learner who clears a cell to retype it should see the arithmetic carry on,
    not an error; anything typed that is not a number is still an error.
    """
    if hasattr(cells, "to_numpy") and hasattr(cells, "columns"):  # a pandas DataFrame
        cells = cells.to_numpy(dtype=object)
    array = np.asarray(cells, dtype=object)
    empty: list[tuple[int, int]] = []
    if array.ndim == 2:
        array = array.copy()
        for (row, col), cell in np.ndenumerate(array):
            if _is_empty(cell):
                empty.append((int(row), int(col)))
                array[row, col] = fill
        cells = array.tolist()
    matrix = parse_matrix(cells, name=name, max_rows=max_rows, max_cols=max_cols)
    return CellReading(matrix, tuple(empty), name, float(fill),
                       None if column_names is None else tuple(column_names),
                       None if row_names is None else tuple(row_names))
