"""core/classroom/store.py: the limits, the nicknames, expiry and deletion, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.classroom.limits import IDLE_SECONDS
from core.classroom.store import ClassroomError, ClassStore, UnknownClass
from tests.core.classroom.conftest import class_id, row_counts, sent

HOUR = 3600.0
EMPTY = {"classroom_classes": 0, "classroom_students": 0, "classroom_photos": 0, "classroom_answers": 0}


def all_at_once(count: int, work):
    """``work(i)`` in ``count`` threads released together; each thread's result or the exception it raised."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        try:
            return work(index)
        except Exception as error:  # noqa: BLE001 (the test looks at each one)
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def busy_class(store):
    """A class with two students, three photos (one labelled) and two answers."""
    teacher = store.start_class()
    ada, bob = store.join(teacher.code, "Ada"), store.join(teacher.code, "Bob")
    first = store.send_photo(ada, sent("cat"))
    store.send_photo(ada, sent("dog"))
    store.send_photo(bob, sent("not sure"))
    store.label_photo(ada, first, "cat")
    store.answer_checkpoint(ada, 1, "conv", True)
    store.answer_checkpoint(bob, 1, "pool", False)
    return teacher, ada, bob


# -- limits ----------------------------------------------------------------------------------------------------
def test_the_61st_student_is_told_the_class_is_full(store, engine):
    teacher = store.start_class()
    numbers = [store.join(teacher.code).number for _ in range(60)]
    assert numbers == list(range(1, 61))
    with pytest.raises(ClassroomError, match=r"full.*60 students"):
        store.join(teacher.code, "Late")
    assert store.board(teacher.code, teacher.key).students == 60
    assert row_counts(engine)["classroom_students"] == 60


def test_a_students_fourth_photo_is_refused_and_the_first_three_are_kept(store, engine):
    teacher = store.start_class()
    ada = store.join(teacher.code, "Ada")
    ids = [store.send_photo(ada, sent("cat", name=f"photo{n}.jpg")) for n in range(3)]
    with pytest.raises(ClassroomError, match="3 photos"):
        store.send_photo(ada, sent("dog", name="photo3.jpg"))
    assert [photo.photo_id for photo in store.own_photos(ada)] == ids
    assert [photo.name for photo in store.own_photos(ada)] == ["photo0.jpg", "photo1.jpg", "photo2.jpg"]
    assert len(store.board(teacher.code, teacher.key).photos) == 3
    assert row_counts(engine)["classroom_photos"] == 3
    # another student still has their own three
    bob = store.join(teacher.code, "Bob")
    store.send_photo(bob, sent("dog"))
    assert len(store.board(teacher.code, teacher.key).photos) == 4


def test_thirty_students_joining_at_once_get_thirty_distinct_numbers(store, engine):
    teacher = store.start_class()
    results = all_at_once(30, lambda index: store.join(teacher.code, f"Kid {index}"))
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    assert sorted(ticket.number for ticket in results) == list(range(1, 31))
    assert len({ticket.key for ticket in results}) == 30
    assert store.board(teacher.code, teacher.key).students == 30
    assert row_counts(engine)["classroom_students"] == 30


def test_one_student_sending_many_photos_at_once_never_stores_more_than_three(store, engine):
    teacher = store.start_class()
    ada = store.join(teacher.code, "Ada")
    results = all_at_once(10, lambda index: store.send_photo(ada, sent("cat", name=f"p{index}.jpg")))
    stored = [result for result in results if isinstance(result, int)]
    refused = [result for result in results if isinstance(result, Exception)]
    assert len(stored) == 3 and len(set(stored)) == 3
    assert all(isinstance(error, ClassroomError) and "3 photos" in str(error) for error in refused), refused
    assert sorted(photo.photo_id for photo in store.own_photos(ada)) == sorted(stored)
    assert row_counts(engine)["classroom_photos"] == 3


# -- nicknames -------------------------------------------------------------------------------------------------
def test_students_without_a_nickname_are_named_by_joining_order(store):
    teacher = store.start_class()
    tickets = [store.join(teacher.code, None), store.join(teacher.code, "Ada"), store.join(teacher.code, ""),
               store.join(teacher.code, "   \n ")]
    assert [ticket.nickname for ticket in tickets] == ["Student 1", "Ada", "Student 3", "Student 4"]
    assert [ticket.number for ticket in tickets] == [1, 2, 3, 4]
    store.send_photo(tickets[3], sent("cat"))
    assert [photo.nickname for photo in store.board(teacher.code, teacher.key).photos] == ["Student 4"]


def test_a_long_nickname_is_cut_to_twenty_characters(store):
    teacher = store.start_class()
    ticket = store.join(teacher.code, "Bartholomew-the-Magnificent")
    assert ticket.nickname == "Bartholomew-the-Magn"
    store.send_photo(ticket, sent("dog"))
    assert store.board(teacher.code, teacher.key).photos[0].nickname == "Bartholomew-the-Magn"


def test_a_student_can_rename_themself(store):
    teacher = store.start_class()
    ticket = store.join(teacher.code, "Ada")
    store.send_photo(ticket, sent("cat"))
    renamed = store.rename(ticket, "Countess Lovelace of the Engine")
    assert (renamed.nickname, renamed.number, renamed.key) == ("Countess Lovelace of", 1, ticket.key)
    assert store.board(teacher.code, teacher.key).photos[0].nickname == "Countess Lovelace of"
    assert store.own_photos(renamed)[0].nickname == "Countess Lovelace of"
    assert store.rename(renamed, "  ").nickname == "Student 1"


# -- expiry ----------------------------------------------------------------------------------------------------
def test_a_class_idle_four_hours_and_a_second_is_refused_and_deleted(store, engine, clock):
    teacher, ada, _ = busy_class(store)
    assert all(row_counts(engine).values())
    clock.advance(4 * HOUR + 1)
    with pytest.raises(UnknownClass) as refused:
        store.check_code(teacher.code)
    assert teacher.code in str(refused.value) and "expired" in str(refused.value)
    assert row_counts(engine) == EMPTY


@pytest.mark.parametrize("action", ["board", "send_photo", "answer"])
def test_every_way_into_an_expired_class_is_refused_and_it_is_deleted(store, engine, clock, action):
    teacher, ada, _ = busy_class(store)
    clock.advance(4 * HOUR + 1)
    with pytest.raises(UnknownClass):
        if action == "board":
            store.board(teacher.code, teacher.key)
        elif action == "send_photo":
            store.send_photo(ada, sent("dog"))
        else:
            store.answer_checkpoint(ada, 2, "conv", True)
    assert row_counts(engine) == EMPTY


def test_a_class_idle_three_hours_fifty_nine_minutes_still_works(store, engine, clock):
    teacher, ada, _ = busy_class(store)
    before = row_counts(engine)
    clock.advance(3 * HOUR + 59 * 60)
    assert store.check_code(teacher.code) == teacher.code
    assert store.sweep() == 0
    board = store.board(teacher.code, teacher.key)
    assert (board.students, len(board.photos), board.answers.total) == (2, 3, 2)
    store.send_photo(ada, sent("neither"))
    assert row_counts(engine)["classroom_photos"] == before["classroom_photos"] + 1


@pytest.mark.parametrize("activity", ["join", "photo", "label", "answer"])
def test_activity_moves_the_expiry(store, engine, clock, activity):
    teacher = store.start_class()
    ada = store.join(teacher.code, "Ada")
    photo = store.send_photo(ada, sent("cat"))
    clock.advance(3 * HOUR)
    if activity == "join":
        store.join(teacher.code, "Bob")
    elif activity == "photo":
        store.send_photo(ada, sent("dog"))
    elif activity == "label":
        store.label_photo(ada, photo, "cat")
    else:
        store.answer_checkpoint(ada, 1, "conv", True)
    clock.advance(3 * HOUR)  # 6 hours after the start, 3 after the activity
    assert store.sweep() == 0
    assert store.check_code(teacher.code) == teacher.code
    clock.advance(1 * HOUR + 1)  # 4 hours and a second after the activity
    assert store.sweep() == 1
    with pytest.raises(UnknownClass):
        store.check_code(teacher.code)
    assert row_counts(engine) == EMPTY


def test_sweep_deletes_only_the_expired_classes(store, engine, clock):
    old, old_ada, _ = busy_class(store)
    clock.advance(2 * HOUR)
    new, new_ada, _ = busy_class(store)
    kept = row_counts(engine, class_id(engine, new.code))
    clock.advance(2 * HOUR + 1)  # the old one idle 4 h 1 s, the new one 2 h 1 s
    assert store.sweep() == 1
    assert row_counts(engine) == kept
    assert store.board(new.code, new.key).students == 2
    with pytest.raises(UnknownClass):
        store.check_code(old.code)
    assert store.sweep() == 0


def test_a_new_store_on_the_same_engine_sweeps_on_start(store, engine, clock):
    busy_class(store)
    clock.advance(4 * HOUR + 1)
    assert all(row_counts(engine).values())  # nothing has looked yet
    ClassStore(engine, clock=clock)
    assert row_counts(engine) == EMPTY


def test_a_new_store_on_start_keeps_classes_that_are_still_active(store, engine, clock):
    teacher, _, _ = busy_class(store)
    before = row_counts(engine)
    clock.advance(4 * HOUR)  # exactly 4 hours: not yet more
    ClassStore(engine, clock=clock)
    assert row_counts(engine) == before
    assert store.check_code(teacher.code) == teacher.code


# -- deletion --------------------------------------------------------------------------------------------------
def test_ending_a_class_deletes_all_of_it_and_nothing_of_another(store, engine):
    ended, ada, _ = busy_class(store)
    other, _, _ = busy_class(store)
    ended_id, other_id = class_id(engine, ended.code), class_id(engine, other.code)
    other_before = row_counts(engine, other_id)
    assert all(row_counts(engine, ended_id).values())
    store.end_class(ended.code, ended.key)
    assert set(row_counts(engine, ended_id).values()) == {0}
    assert row_counts(engine, other_id) == other_before
    assert row_counts(engine) == other_before
    with pytest.raises(UnknownClass):
        store.check_code(ended.code)
    with pytest.raises(UnknownClass):
        store.send_photo(ada, sent("cat"))
    board = store.board(other.code, other.key)
    assert (board.students, len(board.photos), board.answers.total) == (2, 3, 2)


def test_clearing_the_board_deletes_photos_and_answers_but_keeps_students(store, engine):
    teacher, ada, bob = busy_class(store)
    other, _, _ = busy_class(store)
    other_before = row_counts(engine, class_id(engine, other.code))
    store.reveal(teacher.code, teacher.key, 1)
    store.clear_board(teacher.code, teacher.key)
    counts = row_counts(engine, class_id(engine, teacher.code))
    assert counts == {"classroom_classes": 1, "classroom_students": 2, "classroom_photos": 0, "classroom_answers": 0}
    assert row_counts(engine, class_id(engine, other.code)) == other_before
    board = store.board(teacher.code, teacher.key)
    assert (board.students, board.photos, board.hidden, board.answers.total) == (2, (), 0, 0)
    assert not board.answers.revealed
    assert store.own_photos(ada) == ()
    # the students are still in the class and may send three photos and answer again
    for _ in range(3):
        store.send_photo(ada, sent("dog"))
    assert len(store.own_photos(ada)) == 3
    assert store.answer_checkpoint(bob, 1, "conv", True) is True
    assert store.board(teacher.code, teacher.key).answers.options == (("conv", 1, True),)


def test_a_server_store_sweeps_expired_classes_on_its_own_while_nobody_uses_it(engine, clock):
    store = ClassStore(engine, clock=clock, sweep_every=0.05)  # the server's store sweeps hourly
    try:
        ticket = store.start_class()
        clock.advance(IDLE_SECONDS + 1)  # nobody calls the store from here on
        deadline = time.monotonic() + 10
        while row_counts(engine)["classroom_classes"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert row_counts(engine)["classroom_classes"] == 0, f"class {ticket.code} outlived its 4 hours"
    finally:
        store.close()
