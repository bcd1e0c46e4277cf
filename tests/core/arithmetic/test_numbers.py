"""core/arithmetic/numbers.py: numbers written for learners, and matrices parsed with clear messages."""

from __future__ import annotations

import numpy as np
import pytest

from core.arithmetic import numbers


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), (-2.0, "−2"), (-0.0, "0"), (0.5, "0.5"), (-0.25, "−0.25"), (1 / 3, "0.3333"), (0.1 + 0.2, "0.3"),
    (1e-7, "0"), (320.0, "320"), (-1234567.0, "−1234567"), (2.00004, "2"), (2.00006, "2.0001"),
])
def test_format_number(value, text):
    assert numbers.format_number(value) == text


def test_format_factor_and_equals():
    assert numbers.format_factor(-1) == "(−1)"
    assert numbers.format_factor(2) == "2"
    assert numbers.equals(3.75) == "= 3.75"
    assert numbers.equals(1 / 3) == "≈ 0.3333"
    assert numbers.equals(0.1 + 0.2) == "= 0.3"
    assert numbers.format_count(6272) == "6,272"


def test_text_round_trip():
    matrix = np.array([[1, -2.5, 0], [3, 4, 1 / 3]])
    text = numbers.matrix_to_text(matrix, row_separator=";")
    assert text.startswith("1,-2.5,0;")
    np.testing.assert_array_equal(numbers.parse_matrix_text(text), matrix)


@pytest.mark.parametrize("text", [
    "1 2 3\n0 1 2", "1,2,3;0,1,2", "[[1, 2, 3], [0, 1, 2]]", "1\t2\t3\n\n0\t1\t2\n", " 1, 2, 3 \n 0,1,2 ",
])
def test_parse_matrix_text_formats(text):
    np.testing.assert_array_equal(numbers.parse_matrix_text(text), [[1, 2, 3], [0, 1, 2]])


def test_parse_matrix_accepts_a_real_minus_sign_and_numeric_strings():
    np.testing.assert_array_equal(numbers.parse_matrix([["−1", "2.5"], [" 3 ", 4]]), [[-1, 2.5], [3, 4]])


@pytest.mark.parametrize(("cells", "fragment"), [
    ([], "empty"),
    ([[]], "empty"),
    (None, "empty"),
    ([1, 2, 3], "table"),
    ([[1, 2, 3], [4, 5]], "ragged: row 2 has 2 numbers but row 1 has 3"),
    ([[1, "abc"], [3, 4]], "row 1, column 2 holds 'abc', which is not a number"),
    ([[1, 2], [None, 4]], "row 2, column 1 is empty"),
    ([[1, 2], [3, ""]], "row 2, column 2 is empty"),
    ([[1, float("nan")], [3, 4]], "not a number (NaN)"),
    ([[1, float("inf")]], "infinite"),
    ([[True, 1]], "not a number"),
    ([[1, 2], [3, {"a": 1}]], "not a number"),
])
def test_bad_matrices_raise_clear_messages(cells, fragment):
    with pytest.raises(ValueError, match=None) as error:
        numbers.parse_matrix(cells)
    assert fragment in str(error.value)


def test_dataframe_with_a_cleared_cell():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame([[1.0, 2.0], [3.0, None]], columns=["1", "2"])
    with pytest.raises(ValueError, match="row 2, column 2 is empty or not a number"):
        numbers.parse_matrix(frame)


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (6272, "6,272"), (3_211_776, "3,211,776"), (6272.0, "6,272"),
])
def test_format_count_writes_thousands_separators(value, text):
    assert numbers.format_count(value) == text
