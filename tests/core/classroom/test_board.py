"""core/classroom/board.py: the sentences and counts the board shows, from plain records."""

from __future__ import annotations

from core.classroom.board import PRIVACY_LINE, Board, BoardPhoto, StepAnswers

NO_ANSWERS = StepAnswers(step=1, options=(), revealed=False)


def photo(answer="cat", label=None, *, best_guess=None, confidence=0.9, neither=False, hidden=False, number=1):
    return BoardPhoto(photo_id=number, nickname=f"Kid {number}", name=f"p{number}.jpg", model_name="Tiny CNN",
                      answer=answer, best_guess=best_guess or ("cat" if answer in ("not sure", "neither") else answer),
                      confidence=confidence, neither=neither, label=label, hidden=hidden, thumbnail=b"")


def board(*photos, students=3, answers=NO_ANSWERS):
    return Board(code="ACD347", students=students, photos=tuple(photos), hidden=0, current_step=answers.step,
                 answers=answers)


def test_the_caption_of_each_kind_of_answer():
    assert photo("dog", "cat", confidence=0.97).caption == "dog, 97% · really cat"
    assert photo("cat", None, confidence=0.999).caption == "cat, over 99% · not labelled yet"
    assert photo("dog", "dog", confidence=0.6).caption == "dog, 60% · really dog"
    assert photo("not sure", "dog", best_guess="dog", confidence=0.55).caption == "not sure (55% dog) · really dog"
    assert photo("neither", None, best_guess="cat", confidence=0.41, neither=True).caption == (
        "neither? (best guess cat, 41%) · not labelled yet")
    assert photo("neither", "neither", best_guess="dog", confidence=0.003).caption == (
        "neither? (best guess dog, under 1%) · really neither")
    assert photo("cat", "neither", confidence=0.8, neither=True).caption == (
        "cat, 80% · flagged neither · really neither")
    assert photo("not sure", None, best_guess="cat", confidence=0.52, neither=True).caption == (
        "not sure (52% cat) · flagged neither · not labelled yet")


def test_a_photo_is_right_when_the_answer_is_the_label_and_undecided_until_labelled():
    assert photo("cat", "cat").right is True
    assert photo("cat", "dog").right is False
    assert photo("not sure", "cat").right is False
    assert photo("neither", "neither").right is True
    assert photo("dog", None).right is None


def test_the_right_sentence():
    assert board().right_sentence == ("No labelled photos yet: after the model's answer, each student taps what "
                                      "their photo really shows.")
    assert board(photo("cat", None)).right_sentence.startswith("No labelled photos yet")
    assert board(photo("cat", "cat")).right_sentence == "The model got 1 of our 1 photo right."
    assert board(photo("cat", "dog")).right_sentence == "The model got 0 of our 1 photo right."
    assert board(photo("cat", "cat"), photo("dog", "cat"), photo("dog", None), photo("cat", "cat"),
                 photo("not sure", "dog")).right_sentence == (
        "The model got 2 of our 4 photos right (1 more waiting for a label).")
    assert board(photo("cat", "cat"), photo("dog", None), photo("cat", None)).right_sentence == (
        "The model got 1 of our 1 photo right (2 more waiting for a label).")


def test_the_confusion_matrix_rows_are_labels_and_columns_answers():
    shown = board(photo("cat", "cat"), photo("dog", "cat"), photo("not sure", "cat"), photo("neither", "cat"),
                  photo("dog", "dog"), photo("dog", "dog"), photo("cat", "neither"), photo("neither", "neither"),
                  photo("dog", None))
    assert shown.confusion() == [
        [1, 1, 1, 1],  # really cat: the model said cat, dog, not sure, neither
        [0, 2, 0, 0],  # really dog
        [1, 0, 0, 1],  # really neither
    ]
    assert board().confusion() == [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_the_step_sentence_before_and_after_the_reveal():
    assert StepAnswers(3, (), False).sentence == "No answers to step 3's checkpoint yet."
    assert StepAnswers(3, (), True).sentence == "No answers to step 3's checkpoint yet."
    one = StepAnswers(2, (("conv", 1, True),), False)
    assert one.sentence == "1 answer to step 2's checkpoint. The share right shows when you click “Show the answer”."
    assert StepAnswers(2, (("conv", 1, True),), True).sentence == "1 answer to step 2's checkpoint: 1 right (100%)."
    tally = (("conv", 3, True), ("pool", 1, False))
    assert StepAnswers(4, tally, False).sentence == (
        "4 answers to step 4's checkpoint. The share right shows when you click “Show the answer”.")
    assert StepAnswers(4, tally, True).sentence == "4 answers to step 4's checkpoint: 3 right (75%)."
    thirds = (("a", 1, True), ("b", 2, False))
    assert StepAnswers(1, thirds, True).sentence == "3 answers to step 1's checkpoint: 1 right (33%)."
    assert (StepAnswers(4, tally, True).total, StepAnswers(4, tally, True).right) == (4, 3)


def test_what_a_student_sees_of_the_class_answers():
    assert StepAnswers(2, (), False).student_sentence == "Nobody has answered step 2's checkpoint yet."
    tally = (("conv", 3, True), ("pool", 1, False))
    assert StepAnswers(2, tally, False).student_sentence == (
        "4 of the class answered step 2's checkpoint; the teacher shows the answer.")
    assert StepAnswers(2, tally, True).student_sentence == "3 of the 4 who answered step 2's checkpoint got it right."


def test_the_main_model_is_the_one_most_photos_were_answered_by():
    assert board().main_model is None
    named = [BoardPhoto(n, "Kid", "p.jpg", model, "cat", "cat", 0.9, False, None, False, b"")
             for n, model in enumerate(["MobileNet", "Tiny CNN", "Tiny CNN"])]
    assert board(*named).main_model == "Tiny CNN"


def test_the_limits_and_privacy_lines():
    assert board(students=17).limits_line == "17 of 60 students joined · 0 photos shown · up to 3 photos a student"
    assert board(photo("cat"), students=1).limits_line == (
        "1 of 60 students joined · 1 photo shown · up to 3 photos a student")
    with_hidden = Board(code="ACD347", students=2, photos=(photo("cat"), photo("dog", number=2)), hidden=1,
                        current_step=1, answers=NO_ANSWERS)
    assert with_hidden.limits_line == "2 of 60 students joined · 2 photos shown, 1 hidden · up to 3 photos a student"
    assert PRIVACY_LINE.endswith("4 hours after its last activity.")
    assert "512-pixel copy" in PRIVACY_LINE


def test_a_confusion_table_reads_as_markdown_rows_of_counts():
    from core.classroom.board import ConfusionTable

    table = ConfusionTable(("cat", "dog"), ("cat", "dog"), [[40, 2], [3, 55]])
    assert table.markdown.splitlines() == [
        "| really ↓ · model → | cat | dog |",
        "|---|---:|---:|",
        "| **cat** | 40 | 2 |",
        "| **dog** | 3 | 55 |",
    ]
