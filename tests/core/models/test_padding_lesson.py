"""The common arithmetic mistake, checked against the real classic model before it is told."""

from __future__ import annotations

import dataclasses

import pytest

from core.arithmetic import shape_chain
from core.models import architectures, summary
from core.models.padding_lesson import padding_lesson


@pytest.fixture(scope="module")
def classic_table() -> summary.ModelTable:
    return summary.layer_table(architectures.classic())


def test_the_lesson_follows_the_real_classic_model(classic_table):
    lesson = padding_lesson(classic_table)
    assert lesson.keras_sizes == (150, 148, 74, 72, 36, 34, 17, 15, 7)
    assert lesson.matches
    assert lesson.check_sentence == "Checked: the valid-padding sizes above are the real Keras model's output shapes."
    text = lesson.text
    assert "150 → 148 → 74 → 72 → 36 → 34 → 17 → 15 → 7. Flatten gets 7 × 7 × 128 = **6,272** values" in text
    assert "6,272 × 512 + 512 = **3,211,776** parameters" in text
    assert "150 → 150 → 75 → 75 → 37 → 37 → 18 → 18 → 9, then 9 × 9 × 128 = 10,368" in text
    assert "10,368 × 512 = 5,308,416 weights" in text and "would then have 5,308,928 parameters" in text
    assert "The whole classic model has **3,453,121** parameters; 93% of them are in that one Dense layer." in text


def test_a_model_that_disagrees_with_the_arithmetic_says_so(classic_table):
    other = shape_chain.padding_comparison(input_size=160)
    lesson = padding_lesson(classic_table, other)
    assert not lesson.matches
    assert lesson.check_sentence == ("The real Keras model's shapes differ from this arithmetic: "
                                     "150 → 148 → 74 → 72 → 36 → 34 → 17 → 15 → 7")


def test_a_table_without_parameters_is_refused(classic_table):
    with pytest.raises(ValueError, match="no parameters"):
        padding_lesson(dataclasses.replace(classic_table, total_parameters=0))
