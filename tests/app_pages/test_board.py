"""Class mode in Streamlit's AppTest: a teacher starts a class, students join, send photos and answers, the board.

Each browser is its own ``AppTest`` (its own session) on one fresh SQLite store.
What the board must say is worked out from what each student's own page said
(its answer heading) and the label the student tapped, not from the board's code.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.classroom.database import DATABASE_URL_ENV
from harness.photo_files import make_photo_bytes
from tests.conftest import PROJECT_ROOT, page_text
from ui.resources.classroom import cached_class_store

APP = str(PROJECT_ROOT / "app.py")
BOARD = "app_pages/board.py"
LESSON = "app_pages/lesson.py"


@pytest.fixture
def class_store_file(tmp_path, monkeypatch):
    """A fresh SQLite class store for the app (the server setting), forgotten after the test."""
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite+pysqlite:///{tmp_path / 'classroom.sqlite3'}")
    cached_class_store.clear()
    yield
    cached_class_store.clear()


def browser(page: str | None = None, **query: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=300)
    for name, value in query.items():
        app.query_params[name] = value
    if page:
        app.switch_page(page)
    return app.run()


def start_class() -> tuple[AppTest, str, str]:
    """The teacher's browser on the Lesson page after "Start a class": (app, code, key)."""
    teacher = browser(LESSON)
    teacher.button(key="class_start").click().run()
    addresses = [block.value for block in teacher.code if "teacher=" in block.value]
    assert addresses, "the teacher address is not shown to the teacher"
    code, key = re.search(r"class=([A-Z0-9]{6})&teacher=([\w-]+)", addresses[0]).groups()
    return teacher, code, key


def send_photo(student: AppTest, name: str, data: bytes, label: str) -> str:
    """Upload, send, label on the Classify page; the model's answer as the student's page said it."""
    student.file_uploader(key="classify_uploads").set_value((name, data, "image/jpeg")).run()
    heading = next(line for line in page_text(student).splitlines() if line.startswith("### "))
    send = next(button for button in student.button if button.label.startswith("📤 Send to the class board"))
    send.click().run()
    student.button_group[0].set_value(label).run()
    assert not student.exception
    said = heading.replace("*", "")
    if "Neither" in said:
        return "neither"
    if "Not sure" in said:
        return "not sure"
    return said.split("It's a ")[1].strip()


def test_a_class_photos_and_labels_reach_the_teacher_board_with_the_right_count(class_store_file):
    teacher, code, _ = start_class()
    assert f"Class {code}" in page_text(teacher)
    said = []
    for number, (size, label) in enumerate([((120, 90), "dog"), ((90, 120), "cat")], 1):
        student = browser(**{"class": code})  # a lesson step's QR code: joined as "Student N" on arrival
        assert f"Class {code}: send to the board" in page_text(student)
        said.append((send_photo(student, f"pet{number}.jpg", make_photo_bytes(*size), label), label))
        assert f"you say {label}" in page_text(student)
    teacher.switch_page(BOARD).run()
    text = page_text(teacher)
    right = sum(answer == label for answer, label in said)
    assert f"The model got {right} of our 2 photos right." in text
    assert "Student 1" in text and "Student 2" in text
    assert "really dog" in text and "really cat" in text
    assert {button.label for button in teacher.button} >= {"Show large", "Yes, clear it", "Yes, end it"}


def test_a_checkpoint_answer_is_counted_once_on_the_board(class_store_file):
    teacher, code, _ = start_class()
    teacher.button(key="lesson_next").click().run()  # the teacher on step 2: the board charts its answers
    student = browser(LESSON, **{"class": code, "step": "2"})
    radio = student.radio[0]
    first, second = radio.options[0], radio.options[1]
    radio.set_value(first).run()
    assert f"Your first answer went to class {code}." in page_text(student)
    student.radio[0].set_value(second).run()  # a change of mind is not counted again
    teacher.switch_page(BOARD).run()
    assert "1 answer to step 2's checkpoint" in page_text(teacher)
    teacher.button(key="class_reveal").click().run()
    right = int(student.radio[0].options.index(first) == _right_index(student))
    assert f"1 answer to step 2's checkpoint: {right} right ({right:.0%})." in page_text(teacher)


def _right_index(student: AppTest) -> int:
    """Which option the lesson's own feedback calls right (the first choice's feedback names it)."""
    feedback = next(line for line in page_text(student).splitlines() if line.startswith(("Right:", "Not quite")))
    if feedback.startswith("Right:"):
        return student.radio[0].options.index(student.radio[0].value)
    right = re.search(r"the answer is \*\*(.+?)\*\*", feedback).group(1)
    return student.radio[0].options.index(right)


def test_a_wrong_teacher_key_shows_no_controls_and_never_the_photos(class_store_file):
    _, code, key = start_class()
    student = browser(**{"class": code})
    send_photo(student, "mine.jpg", make_photo_bytes(100, 80), "cat")
    intruder = browser(BOARD, **{"class": code, "teacher": key[:-2] + ("AA" if not key.endswith("AA") else "BB")})
    text = page_text(intruder)
    assert "That teacher address is not this class's" in text
    assert not any(button.label in ("Yes, clear it", "Yes, end it", "Show large") for button in intruder.button)
    assert "Student 1" not in text and "mine.jpg" not in text
    assert "teacher" not in intruder.query_params  # the key never stays in an address bar
    real = browser(BOARD, **{"class": code, "teacher": key})
    assert "The model got" in page_text(real) and "teacher" not in real.query_params


def test_a_wrong_code_and_an_ended_class_say_so(class_store_file):
    lost = browser(BOARD, **{"class": "KKKKKK"})
    assert "There is no class with the code KKKKKK" in page_text(lost)
    teacher, code, _ = start_class()
    student = browser(BOARD, **{"class": code})
    student.text_input(key="class_join_nickname").input("<b>Bo**b**</b>")
    submit = next(button for button in student.button if button.label == "Join the class")
    submit.click().run()
    assert "You are in class" in page_text(student)
    teacher.switch_page(BOARD).run()
    teacher.button(key="class_end").click().run()
    assert f"Class {code} has ended and everything of it is deleted." in page_text(teacher)
    student.run()
    assert "You are no longer in this class" in page_text(student) or "There is no class" in page_text(student)


def test_nicknames_are_shown_as_typed_never_as_markup(class_store_file):
    teacher, code, _ = start_class()
    student = browser(BOARD, **{"class": code})
    student.text_input(key="class_join_nickname").input("**Bob** <img src=x>")
    next(button for button in student.button if button.label == "Join the class").click().run()
    student.switch_page("app_pages/classify.py").run()
    send_photo(student, "p.jpg", make_photo_bytes(90, 90), "dog")
    teacher.switch_page(BOARD).run()
    shown = [block.value for block in teacher.markdown if "Bob" in block.value]
    assert shown and all(r"\*\*Bob\*\* \<img src=x\>" in value for value in shown)


def test_a_fourth_photo_is_refused_with_the_limit(class_store_file):
    _, code, _ = start_class()
    student = browser(**{"class": code})
    for number in range(3):
        send_photo(student, f"p{number}.jpg", make_photo_bytes(80 + number, 90), "cat")
    student.file_uploader(key="classify_uploads").set_value(("p4.jpg", make_photo_bytes(99, 77), "image/jpeg")).run()
    next(button for button in student.button if button.label.startswith("📤")).click().run()
    assert "You have sent 3 photos, the most a student may send to the board." in page_text(student)


def test_a_reload_keeps_a_students_place_and_a_new_phone_gets_the_next_number(class_store_file):
    _, code, _ = start_class()
    first = browser(**{"class": code})
    seat = first.query_params["seat"]
    reloaded = browser(BOARD, **{"class": code, "seat": seat})  # the same address, a new session
    assert f"You are in class **{code}** as **Student 1**." in [block.value for block in reloaded.markdown]
    other = browser(BOARD, **{"class": code})
    next(button for button in other.button if button.label == "Join the class").click().run()
    assert f"You are in class **{code}** as **Student 2**." in [block.value for block in other.markdown]


def test_clearing_the_board_removes_the_photos_and_keeps_the_students(class_store_file):
    teacher, code, _ = start_class()
    student = browser(**{"class": code})
    send_photo(student, "first.jpg", make_photo_bytes(100, 90), "cat")
    teacher.switch_page(BOARD).run()
    assert "The model got" in page_text(teacher) and "really cat" in page_text(teacher)
    teacher.button(key="class_clear").click().run()
    text = page_text(teacher)
    assert "The board is cleared: no photos and no answers are kept." in text
    assert "No photos yet." in text and "really cat" not in text
    assert "1 of 60 students joined" in text  # the student is still in the class
    send_photo(student, "second.jpg", make_photo_bytes(91, 101), "dog")
    assert "really dog" in page_text(teacher.run())


def test_show_large_puts_the_photo_and_its_grad_cam_up_and_hide_takes_it_off_the_board(class_store_file):
    teacher, code, _ = start_class()
    student = browser(**{"class": code})
    send_photo(student, "big.jpg", make_photo_bytes(120, 100), "dog")
    teacher.switch_page(BOARD).run()
    next(button for button in teacher.button if button.label == "Show large").click().run()
    assert not teacher.exception
    assert "### Student 1: " in "\n".join(block.value for block in teacher.markdown)
    captions = [caption for image in teacher.image for caption in image.captions]
    assert "The photo (the board's 512-pixel copy)" in captions
    assert any(caption.startswith("Grad-CAM: where the model looked for ") for caption in captions)
    teacher.button(key="class_hide").click().run()
    text = page_text(teacher)
    assert "No photos yet." in text and "1 hidden" in text

