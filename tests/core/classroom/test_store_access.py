"""core/classroom/store.py: only the teacher's key opens the board, and a student sees and labels only their own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.classroom.codes import CODE_ALPHABET
from core.classroom.store import ClassroomError, NotTheTeacher, StudentTicket, UnknownClass
from tests.core.classroom.conftest import class_rows, row_counts, sent

#: How each teacher action is called with a key, on a photo of the class.
TEACHER_ACTIONS = {
    "board": lambda store, code, key, photo: store.board(code, key),
    "hide_photo": lambda store, code, key, photo: store.hide_photo(code, key, photo),
    "clear_board": lambda store, code, key, photo: store.clear_board(code, key),
    "end_class": lambda store, code, key, photo: store.end_class(code, key),
    "reveal": lambda store, code, key, photo: store.reveal(code, key, 1),
    "set_step": lambda store, code, key, photo: store.set_step(code, key, 2),
    "photo_jpeg": lambda store, code, key, photo: store.photo_jpeg(code, key, photo),
}

#: Keys that are not the teacher's, given the right one and another class's.
BAD_KEYS = {
    "missing": lambda right, other: None,
    "empty": lambda right, other: "",
    "wrong": lambda right, other: "not-the-teacher-key-at-all-00000",
    "other class's": lambda right, other: other,
    "over-long": lambda right, other: right + "x" * 64,
    "right key repeated": lambda right, other: right * 3,
}


@pytest.fixture
def lesson(store):
    """A class on step 1 with two students, each with a photo, and an answer; and another class."""
    teacher = store.start_class()
    ada, bob = store.join(teacher.code, "Ada"), store.join(teacher.code, "Bob")
    ada_photo = store.send_photo(ada, sent("cat"))
    bob_photo = store.send_photo(bob, sent("dog"))
    store.answer_checkpoint(ada, 1, "conv", True)
    other = store.start_class()
    return teacher, ada, bob, ada_photo, bob_photo, other


@pytest.mark.parametrize("bad_key", BAD_KEYS)
@pytest.mark.parametrize("action", TEACHER_ACTIONS)
def test_a_teacher_action_without_the_teachers_key_is_refused_and_changes_nothing(
        store, engine, clock, lesson, action, bad_key):
    teacher, ada, _, ada_photo, _, other = lesson
    board_before = store.board(teacher.code, teacher.key)
    rows_before, counts_before = class_rows(engine), row_counts(engine)
    clock.advance(60)  # a refused request is no activity either
    with pytest.raises(NotTheTeacher, match="Only the teacher"):
        TEACHER_ACTIONS[action](store, teacher.code, BAD_KEYS[bad_key](teacher.key, other.key), ada_photo)
    assert class_rows(engine) == rows_before
    assert row_counts(engine) == counts_before
    board_after = store.board(teacher.code, teacher.key)
    assert board_after == board_before
    assert (board_after.current_step, board_after.answers.revealed, board_after.hidden) == (1, False, 0)
    assert len(board_after.photos) == 2
    assert store.photo_jpeg(teacher.code, teacher.key, ada_photo)


def test_the_right_key_does_what_the_wrong_ones_may_not(store, lesson):
    teacher, ada, _, ada_photo, bob_photo, _ = lesson
    assert store.photo_jpeg(teacher.code, teacher.key, ada_photo).startswith(b"\xff\xd8")
    store.hide_photo(teacher.code, teacher.key, bob_photo)
    store.reveal(teacher.code, teacher.key, 1)
    board = store.board(teacher.code, teacher.key)
    assert ([photo.photo_id for photo in board.photos], board.hidden, board.answers.revealed) == ([ada_photo], 1, True)
    store.set_step(teacher.code, teacher.key, 2)
    assert store.board(teacher.code, teacher.key).current_step == 2


def test_another_teacher_cannot_reach_a_photo_of_this_class_through_their_own(store, lesson):
    teacher, _, _, ada_photo, _, other = lesson
    with pytest.raises(ClassroomError, match="no longer on the board"):
        store.photo_jpeg(other.code, other.key, ada_photo)
    store.hide_photo(other.code, other.key, ada_photo)  # on their own board: no such photo, nothing hidden
    assert store.board(teacher.code, teacher.key).hidden == 0


def test_is_teacher_only_for_the_right_key(store, lesson):
    teacher, _, _, _, _, other = lesson
    assert store.is_teacher(teacher.code, teacher.key) is True
    assert store.is_teacher(teacher.code.lower(), teacher.key) is True  # the code as a person may type it
    assert store.is_teacher(other.code, other.key) is True
    for name, bad_key in BAD_KEYS.items():
        assert store.is_teacher(teacher.code, bad_key(teacher.key, other.key)) is False, name
    assert store.is_teacher(other.code, teacher.key) is False


def test_is_teacher_is_false_for_an_unknown_or_malformed_code(store, lesson):
    teacher = lesson[0]
    unknown = next(code for code in ("AAAAAA", "CCCCCC") if code != teacher.code)
    assert store.is_teacher(unknown, teacher.key) is False
    # A bool question answers False for a code that cannot be one, rather than raising.
    assert store.is_teacher("abc", teacher.key) is False


def test_the_database_does_not_hold_the_teacher_key_in_clear(store, engine, lesson):
    teacher, ada, _, _, _, other = lesson
    for row in class_rows(engine):
        digest = row["teacher_key_digest"]
        assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
        for key in (teacher.key, other.key):
            assert key != digest
            assert all(key not in str(value) for value in row.values())
    assert len({row["teacher_key_digest"] for row in class_rows(engine)}) == 2
    with engine.connect() as connection:
        students = [dict(row) for row in connection.execute(sa.text("SELECT * FROM classroom_students")).mappings()]
    assert all(ada.key not in str(value) for row in students for value in row.values())


def test_a_student_sees_only_their_own_photos(store, lesson):
    teacher, ada, bob, ada_photo, bob_photo, _ = lesson
    second = store.send_photo(ada, sent("dog", name="second.jpg"))
    assert [photo.photo_id for photo in store.own_photos(ada)] == [ada_photo, second]
    assert {photo.nickname for photo in store.own_photos(ada)} == {"Ada"}
    assert [photo.photo_id for photo in store.own_photos(bob)] == [bob_photo]
    assert [photo.nickname for photo in store.own_photos(bob)] == ["Bob"]
    newcomer = store.join(teacher.code, "Cy")
    assert store.own_photos(newcomer) == ()


def test_a_student_cannot_label_another_students_photo(store, lesson):
    teacher, ada, bob, ada_photo, bob_photo, other = lesson
    with pytest.raises(ClassroomError, match="not one of yours"):
        store.label_photo(ada, bob_photo, "neither")
    stranger = store.join(other.code, "Eve")
    with pytest.raises(ClassroomError, match="not one of yours"):
        store.label_photo(stranger, ada_photo, "dog")
    assert [photo.label for photo in store.own_photos(bob)] == [None]
    assert {photo.photo_id: photo.label for photo in store.board(teacher.code, teacher.key).photos} == {
        ada_photo: None, bob_photo: None}
    store.label_photo(bob, bob_photo, "dog")
    assert [photo.label for photo in store.own_photos(bob)] == ["dog"]


def test_a_label_must_be_cat_dog_or_neither(store, lesson):
    _, ada, _, ada_photo, _, _ = lesson
    with pytest.raises(ClassroomError, match="cat, dog, neither"):
        store.label_photo(ada, ada_photo, "hamster")
    assert [photo.label for photo in store.own_photos(ada)] == [None]


def test_a_reloaded_page_finds_its_student_only_with_their_key(store, lesson):
    teacher, ada, bob, _, _, other = lesson
    assert store.student_ticket(teacher.code.lower(), ada.key) == ada
    assert store.student_ticket(teacher.code, bob.key) == bob
    assert store.student_ticket(teacher.code, "made-up-key") is None
    assert store.student_ticket(other.code, ada.key) is None  # a key of another class
    assert store.student_ticket(teacher.code, teacher.key) is None  # the teacher is no student


def test_a_forged_student_key_is_refused(store, engine, lesson):
    teacher = lesson[0]
    forged = StudentTicket(teacher.code, "made-up-key", 1, "Ada")
    before = row_counts(engine)
    with pytest.raises(UnknownClass, match="no longer in this class"):
        store.send_photo(forged, sent("cat"))
    with pytest.raises(UnknownClass):
        store.answer_checkpoint(forged, 2, "conv", True)
    with pytest.raises(UnknownClass):
        store.own_photos(forged)
    assert row_counts(engine) == before


def test_a_wrong_code_is_an_unknown_class_naming_the_code(store, lesson):
    teacher = lesson[0]
    wrong = next(code for code in (CODE_ALPHABET[:6], CODE_ALPHABET[6:12]) if code != teacher.code)
    for call in (lambda: store.check_code(wrong), lambda: store.join(wrong, "Ada"),
                 lambda: store.board(wrong, teacher.key), lambda: store.step_answers(wrong, 1)):
        with pytest.raises(UnknownClass) as refused:
            call()
        assert wrong in str(refused.value)
        assert "Check the code" in str(refused.value)
    typed = f"{teacher.code[:3].lower()}-{teacher.code[3:].lower()}"
    assert store.check_code(typed) == teacher.code
    assert store.join(typed, "Cy").code == teacher.code


@pytest.mark.parametrize("malformed", ["abc", "O0O0O0", "ACDEFGH", "AC DE F1"])
def test_a_malformed_code_is_a_value_error_saying_what_a_code_is(store, malformed):
    with pytest.raises(ValueError) as refused:
        store.check_code(malformed)
    assert not isinstance(refused.value, UnknownClass)
    message = str(refused.value)
    assert "6 letters and digits" in message and "projector" in message
    assert malformed.replace(" ", "").upper()[:10] in message
    with pytest.raises(ValueError):
        store.join(malformed, "Ada")


def test_an_empty_code_asks_for_one(store):
    with pytest.raises(ValueError, match="Type the class code"):
        store.check_code("  ")
