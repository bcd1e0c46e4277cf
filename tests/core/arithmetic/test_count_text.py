"""core/arithmetic/numbers.count_text: one count with its noun, singular for exactly one."""

from __future__ import annotations

import pytest

from core.arithmetic.numbers import count_text


@pytest.mark.parametrize(("count", "text"), [(0, "0 files"), (1, "1 file"), (2, "2 files"), (1000, "1,000 files")])
def test_the_noun_agrees_with_the_count(count, text):
    assert count_text(count, "file") == text


def test_an_irregular_plural_is_given_explicitly():
    assert count_text(1, "batch", "batches") == "1 batch"
    assert count_text(3, "batch", "batches") == "3 batches"
