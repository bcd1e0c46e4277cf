import pytest

from core.lesson.checkpoint import Checkpoint, checkpoint


def test_the_right_option_sits_where_asked_and_duplicates_are_dropped():
    question = checkpoint("Max of 1, 2?", "2", ["1", "2", "1", "3"], "2 is larger.", position=1)
    assert question.options == ("1", "2", "3")
    assert question.right_option == "2" and question.answer == 1


def test_position_wraps_around_the_options():
    question = checkpoint("?", "a", ["b", "c"], "why", position=5)
    assert question.options[question.answer] == "a"
    assert len(question.options) == 3


def test_feedback_says_right_or_names_the_answer():
    question = checkpoint("2 + 2?", "4", ["5"], "2 + 2 = 4.", position=0)
    assert question.feedback("4") == "Right: 2 + 2 = 4."
    assert question.feedback("5").startswith("Not quite: the answer is **4**.")
    with pytest.raises(ValueError, match="not one of"):
        question.feedback("6")


def test_a_question_without_a_distinct_wrong_option_is_refused():
    with pytest.raises(ValueError, match="no wrong option"):
        checkpoint("?", "0", ["0", "0"], "why", position=0)
    with pytest.raises(ValueError, match="must differ"):
        Checkpoint("?", ("a", "a"), 0, "why")
    with pytest.raises(ValueError, match="not one of"):
        Checkpoint("?", ("a", "b"), 2, "why")
