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


# --------------------------------------------------------------------------- numbers as grids show them


def test_tidy_removes_float_noise_and_negative_zero():
    noisy = np.array([[107.00000000000001, 0.1 + 0.2], [-0.0, -1e-12]])
    tidied = numbers.tidy(noisy)
    assert tidied.tolist() == [[107.0, 0.3], [0.0, 0.0]]
    assert not np.signbit(tidied).any()  # no −0 left to be written "-0"
    assert numbers.tidy([[1 / 3]]).tolist() == [[0.3333]]


@pytest.mark.parametrize(("log10_value", "text"), [
    (-22.705, "2 × 10⁻²³"), (-5.2147, "6.1 × 10⁻⁶"), (-868.6, "2.5 × 10⁻⁸⁶⁹"), (0.0, "1 × 10⁰"),
    (-0.0004, "1 × 10⁰"),  # 0.999 rounds up to 10 × 10⁻¹, written 1 × 10⁰
])
def test_format_power(log10_value, text):
    assert numbers.format_power(log10_value) == text


@pytest.mark.parametrize(("probability", "complement", "text"), [
    (0.5, 0.5, "0.5"), (0.73105857863, 0.26894142137, "0.7311"), (0.9999, 1e-4, "0.9999"),
    # Rounds to 1 (1 − p below 0.00005): say so, with as many 9s as are really there (at most 5).
    (1 - 4.99e-5, 4.99e-5, "0.9999… (1 − 5 × 10⁻⁵, which rounds to 1)"),
    (1.0, 2.1e-23, "0.99999… (1 − 2.1 × 10⁻²³, which rounds to 1)"),  # p itself is 1.0 in floating point
    (2.1e-23, 1.0, "0.00000… (2.1 × 10⁻²³, which rounds to 0)"),
    (4e-5, 1 - 4e-5, "0.0000… (4 × 10⁻⁵, which rounds to 0)"),
    (1.0, 0.0, "1"), (0.0, 1.0, "0"),  # exactly 1 and exactly 0
])
def test_probability_text(probability, complement, text):
    def log10(value: float) -> float:
        return float(np.log10(value)) if value > 0 else -np.inf

    assert numbers.probability_text(log10(probability), log10(complement)) == text


def test_clamp_number_says_what_it_used_and_why():
    clamped = numbers.clamp_number(99, 1, 6, name="Stride", previous=2, reason="That is the lab's limit.")
    assert clamped == numbers.Clamped(6, "Stride 99 is more than the lab allows (6 at most), so it uses 6. "
                                         "That is the lab's limit.")
    assert numbers.clamp_number(0, 1, 6, name="Stride", previous=2).message == (
        "Stride 0 is less than the lab allows (1 at least), so it uses 1.")
    assert numbers.clamp_number(None, 1, 6, name="Stride", previous=2) == numbers.Clamped(
        2, "Stride is empty, so the lab keeps 2. Type a number to change it.")
    assert numbers.clamp_number("abc", 1, 6, name="Stride", previous=3).value == 3
    assert numbers.clamp_number(float("inf"), 1, 6, name="Stride", previous=3).value == 3
    assert numbers.clamp_number(2.6, 1, 6, name="Stride", previous=2) == numbers.Clamped(
        3, "Stride must be a whole number, so the lab uses 3 (from 2.6).")
    assert numbers.clamp_number(4, 1, 6, name="Stride", previous=2) == numbers.Clamped(4)
    assert numbers.clamp_number(-2.5, -1e6, 1e6, name="Bias", previous=0, whole=False) == numbers.Clamped(-2.5)
    assert numbers.clamp_number(-3e6, -1e6, 1e6, name="Bias", previous=0, whole=False).value == -1e6


def test_read_cells_counts_an_emptied_cell_as_zero_and_says_so():
    reading = numbers.read_cells([[1, None], [float("nan"), 4]], name="input")
    assert reading.matrix.tolist() == [[1, 0], [0, 4]]
    assert reading.empty == ((0, 1), (1, 0))
    assert reading.message == ("2 cells of the input are empty (row 1, column 2; row 2, column 1), so the lab "
                               "counts them as 0. Type numbers there to change them.")
    one = numbers.read_cells([[0.5, ""]], name="weights", column_names=["r1 c1", "r1 c2"])
    assert one.message == ("The cell “r1 c2” of the weights is empty, so the lab counts it as 0. Type a number "
                           "there to change it.")
    column = numbers.read_cells([[0.4], [None]], name="output weights", row_names=["neuron 1", "neuron 2"])
    assert column.message.startswith("The cell “neuron 2” of the output weights is empty")
    assert numbers.read_cells([[1, 2]], name="input").message is None
    many = numbers.read_cells([[None] * 6], name="input")
    assert "(row 1, column 1; row 1, column 2; row 1, column 3; row 1, column 4 and 2 more)" in many.message
    with pytest.raises(ValueError, match="holds 'abc', which is not a number"):
        numbers.read_cells([[1, "abc"]], name="input")
