"""The model's answer as the inside page words it."""

from __future__ import annotations

import pytest

from core.explain.model_answer import ModelAnswer, model_answer


def test_headline_and_breakdown_use_singular_names_and_percentages():
    answer = model_answer(("cats", "dogs"), [0.273, 0.727])
    assert answer.names == ("cat", "dog")
    assert answer.predicted == 1
    assert answer.headline == "The model gives it 73% dog."
    assert answer.breakdown == "cat: 27% · dog: 73%"  # whole percentages, as the Classify page gives them


def test_a_near_certain_answer_is_never_shown_as_100_percent():
    answer = model_answer(("cats", "dogs"), [0.99996, 0.00004])
    assert answer.headline == "The model gives it over 99% cat."
    assert answer.breakdown == "cat: over 99% · dog: under 1%"


def test_names_that_do_not_fit_the_output_become_numbered_classes():
    answer = model_answer(("cats", "dogs"), [0.1, 0.2, 0.7])
    assert answer.names == ("class 0", "class 1", "class 2")
    assert answer.headline == "The model gives it 70% class 2."


def test_the_predicted_class_is_explained_first():
    assert model_answer(("a", "b", "c"), [0.2, 0.5, 0.3]).explained_order == (1, 0, 2)
    assert model_answer(("a", "b"), [0.9, 0.1]).explained_order == (0, 1)


def test_mismatched_or_empty_answers_are_refused():
    with pytest.raises(ValueError, match="2 names for 3 probabilities"):
        ModelAnswer(("cat", "dog"), (0.1, 0.2, 0.7))
    with pytest.raises(ValueError, match="at least one probability"):
        ModelAnswer((), ())
