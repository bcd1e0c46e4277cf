"""core/classroom/store.py: checkpoint answers, the board's counts and the stored copies of a photo."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core.classroom.photo_copy import stored_copies
from tests.core.classroom.conftest import sent


def students(store, code, count):
    return [store.join(code, f"Kid {number}") for number in range(1, count + 1)]


def decoded(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


def photo_pixels(height: int, width: int) -> np.ndarray:
    """A smooth photo-like picture (gradients and a square), as large as a phone's."""
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.empty((height, width, 3), np.uint8)
    pixels[..., 0] = x * 255 // (width - 1)
    pixels[..., 1] = y * 255 // (height - 1)
    pixels[..., 2] = 120
    pixels[height // 3: height // 2, width // 3: width // 2] = (250, 240, 30)
    return pixels


# -- answers ---------------------------------------------------------------------------------------------------
def test_only_a_students_first_answer_to_a_step_counts(store):
    teacher = store.start_class()
    ada, = students(store, teacher.code, 1)
    assert store.answer_checkpoint(ada, 1, "pooling", False) is True
    assert store.answer_checkpoint(ada, 1, "convolution", True) is False
    assert store.answer_checkpoint(ada, 1, "pooling", False) is False
    board = store.board(teacher.code, teacher.key)
    assert board.answers.options == (("pooling", 1, False),)
    assert (board.answers.total, board.answers.right) == (1, 0)
    assert store.step_answers(teacher.code, 1).options == (("pooling", 1, False),)
    # another step is another first answer
    assert store.answer_checkpoint(ada, 2, "convolution", True) is True
    assert store.step_answers(teacher.code, 2).options == (("convolution", 1, True),)


def test_the_tally_groups_answers_by_option_most_chosen_first(store):
    teacher = store.start_class()
    kids = students(store, teacher.code, 6)
    for kid, (option, right) in zip(kids, [("pool", False), ("conv", True), ("conv", True), ("dense", False),
                                           ("conv", True), ("pool", False)]):
        store.answer_checkpoint(kid, 1, option, right)
    answers = store.board(teacher.code, teacher.key).answers
    assert answers.step == 1
    assert answers.options == (("conv", 3, True), ("pool", 2, False), ("dense", 1, False))
    assert (answers.total, answers.right) == (6, 3)
    assert store.step_answers(teacher.code, 1) == answers


def test_the_answer_is_revealed_only_after_the_teacher_shows_it_for_that_step(store):
    teacher = store.start_class()
    kids = students(store, teacher.code, 4)
    for kid, right in zip(kids, [True, True, True, False]):
        store.answer_checkpoint(kid, 1, "conv" if right else "pool", right)
        store.answer_checkpoint(kid, 2, "relu", True)
    before = store.board(teacher.code, teacher.key).answers
    assert before.revealed is False
    assert before.sentence == (
        "4 answers to step 1's checkpoint. The share right shows when you click “Show the answer”.")
    store.reveal(teacher.code, teacher.key, 1)
    after = store.board(teacher.code, teacher.key).answers
    assert after.revealed is True
    assert after.sentence == "4 answers to step 1's checkpoint: 3 right (75%)."
    assert store.step_answers(teacher.code, 1).revealed is True
    assert store.step_answers(teacher.code, 2).revealed is False
    store.reveal(teacher.code, teacher.key, 2)  # revealing the next step hides the first's again
    assert store.step_answers(teacher.code, 1).revealed is False
    assert store.step_answers(teacher.code, 2).revealed is True


def test_set_step_changes_which_steps_answers_the_board_shows(store):
    teacher = store.start_class()
    ada, bob = students(store, teacher.code, 2)
    store.answer_checkpoint(ada, 1, "conv", True)
    store.answer_checkpoint(ada, 3, "stride", False)
    store.answer_checkpoint(bob, 3, "padding", True)
    board = store.board(teacher.code, teacher.key)
    assert (board.current_step, board.answers.step, board.answers.total) == (1, 1, 1)
    store.set_step(teacher.code, teacher.key, 3)
    board = store.board(teacher.code, teacher.key)
    assert (board.current_step, board.answers.step) == (3, 3)
    assert store.current_step(teacher.code) == 3  # what the students' pages follow
    assert board.answers.options == (("padding", 1, True), ("stride", 1, False))
    store.set_step(teacher.code, teacher.key, 2)
    board = store.board(teacher.code, teacher.key)
    assert (board.current_step, board.answers.total) == (2, 0)
    assert board.answers.sentence == "No answers to step 2's checkpoint yet."


# -- the board -------------------------------------------------------------------------------------------------
def test_hidden_photos_are_left_out_of_the_board_and_its_counts(store):
    teacher = store.start_class()
    ada, bob = students(store, teacher.code, 2)
    right = store.send_photo(ada, sent("cat"))
    wrong = store.send_photo(bob, sent("dog"))
    store.label_photo(ada, right, "cat")
    store.label_photo(bob, wrong, "cat")
    board = store.board(teacher.code, teacher.key)
    assert board.right_sentence == "The model got 1 of our 2 photos right."
    store.hide_photo(teacher.code, teacher.key, wrong)
    board = store.board(teacher.code, teacher.key)
    assert [photo.photo_id for photo in board.photos] == [right]
    assert board.hidden == 1
    assert board.right_sentence == "The model got 1 of our 1 photo right."
    assert board.confusion() == [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    # the student still sees their own hidden photo, marked hidden
    assert [(photo.photo_id, photo.hidden) for photo in store.own_photos(bob)] == [(wrong, True)]
    store.hide_photo(teacher.code, teacher.key, wrong, hidden=False)
    board = store.board(teacher.code, teacher.key)
    assert ([photo.photo_id for photo in board.photos], board.hidden) == ([right, wrong], 0)


def test_the_model_got_k_of_n_right_counts_only_labelled_photos(store):
    teacher = store.start_class()
    ada, bob = students(store, teacher.code, 2)
    assert store.board(teacher.code, teacher.key).right_sentence.startswith("No labelled photos yet")
    photos = [store.send_photo(ada, sent("cat")), store.send_photo(ada, sent("dog")),
              store.send_photo(bob, sent("not sure")), store.send_photo(bob, sent("neither"))]
    store.label_photo(ada, photos[0], "cat")  # right
    store.label_photo(ada, photos[1], "dog")  # right
    store.label_photo(bob, photos[2], "cat")  # "not sure" is never right
    board = store.board(teacher.code, teacher.key)
    assert (len(board.labelled), board.right_count) == (3, 2)
    assert board.right_sentence == "The model got 2 of our 3 photos right (1 more waiting for a label)."
    store.label_photo(bob, photos[3], "neither")  # right
    assert store.board(teacher.code, teacher.key).right_sentence == "The model got 3 of our 4 photos right."
    store.label_photo(ada, photos[0], "dog")  # a student may change their mind
    assert store.board(teacher.code, teacher.key).right_sentence == "The model got 2 of our 4 photos right."


def test_the_confusion_matrix_has_labels_as_rows_and_answers_as_columns(store):
    teacher = store.start_class()
    kids = students(store, teacher.code, 3)
    # (model's answer, student's label or None)
    sent_and_labelled = [("cat", "cat"), ("dog", "cat"), ("cat", "cat"), ("not sure", "dog"), ("dog", "dog"),
                         ("neither", "neither"), ("cat", "neither"), ("dog", None), ("neither", "dog")]
    for index, (answer, label) in enumerate(sent_and_labelled):
        kid = kids[index // 3]
        photo = store.send_photo(kid, sent(answer))
        if label is not None:
            store.label_photo(kid, photo, label)
    #        cat dog not-sure neither   <- the model's answer
    assert store.board(teacher.code, teacher.key).confusion() == [
        [2, 1, 0, 0],  # really a cat
        [0, 1, 1, 1],  # really a dog
        [1, 0, 0, 1],  # really neither
    ]


def test_the_board_shows_the_photos_oldest_first_with_their_answers(store, clock):
    teacher = store.start_class()
    ada, bob = students(store, teacher.code, 2)
    first = store.send_photo(bob, sent("dog", confidence=0.97, name="rex.jpg"))
    clock.advance(5)
    second = store.send_photo(ada, sent("not sure", best_guess="cat", confidence=0.55, name="tom.jpg"))
    store.label_photo(bob, first, "cat")
    photos = store.board(teacher.code, teacher.key).photos
    assert [(photo.photo_id, photo.nickname, photo.name) for photo in photos] == [
        (first, "Kid 2", "rex.jpg"), (second, "Kid 1", "tom.jpg")]
    assert [photo.caption for photo in photos] == ["dog, 97% · really cat", "not sure (55% cat) · not labelled yet"]
    assert store.board(teacher.code, teacher.key).limits_line == (
        "2 of 60 students joined · 2 photos shown · up to 3 photos a student")


# -- the stored copies -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("height, width, stored, thumbnail", [
    (3000, 4000, (512, 384), (192, 144)),  # landscape: the width is the long side; 4000 * 0.128 = 512
    (4000, 3000, (384, 512), (144, 192)),  # portrait
    (1000, 1000, (512, 512), (192, 192)),
    (300, 200, (200, 300), (128, 192)),  # smaller than 512: kept; the thumbnail still shrinks
    (100, 80, (80, 100), (80, 100)),  # smaller than both: never enlarged
])
def test_the_stored_photo_is_a_small_jpeg_copy(height, width, stored, thumbnail):
    jpeg, small = stored_copies(photo_pixels(height, width))
    for data, size in ((jpeg, stored), (small, thumbnail)):
        image = decoded(data)
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == size  # (width, height)
        assert max(image.size) <= (512 if data is jpeg else 192)
        assert not image.info.get("exif")


def test_the_store_keeps_the_512_pixel_copy_and_the_board_shows_the_thumbnail(store):
    pixels = photo_pixels(3000, 4000)
    copies = stored_copies(pixels)
    teacher = store.start_class()
    ada, = students(store, teacher.code, 1)
    photo = store.send_photo(ada, sent("cat", copies=copies))
    jpeg = store.photo_jpeg(teacher.code, teacher.key, photo)
    large = decoded(jpeg)
    assert (large.format, large.size) == ("JPEG", (512, 384))
    thumbnail = decoded(store.board(teacher.code, teacher.key).photos[0].thumbnail)
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (192, 144))
    # the copy still looks like the photo: the yellow square is where it was
    centre = np.asarray(large)[int(384 * 5 / 12), int(512 * 5 / 12)]
    assert centre[0] > 200 and centre[1] > 200 and centre[2] < 90
