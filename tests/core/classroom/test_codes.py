"""core/classroom/codes.py: codes a class reads off a projector, and keys nobody guesses."""

from __future__ import annotations

import base64
import string

import pytest

from core.classroom.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    key_digest,
    key_matches,
    new_class_code,
    new_student_key,
    new_teacher_key,
    typed_code,
)


def decoded_length(token: str) -> int:
    return len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


def test_a_code_is_six_characters_of_the_alphabet():
    for _ in range(200):
        code = new_class_code()
        assert len(code) == CODE_LENGTH == 6
        assert set(code) <= set(CODE_ALPHABET)


def test_the_alphabet_has_no_look_alikes():
    for look_alike in "0O1IL":
        assert look_alike not in CODE_ALPHABET
    assert set(CODE_ALPHABET) <= set(string.ascii_uppercase + string.digits)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)  # no letter twice


def test_a_thousand_codes_are_nearly_all_distinct():
    codes = [new_class_code() for _ in range(1000)]
    assert len(set(codes)) >= 995  # 25**6 = 244 million codes: a collision in 1000 is a 0.2% event
    assert len({code[0] for code in codes}) > 15  # every position is drawn from the whole alphabet


@pytest.mark.parametrize("typed, code", [
    ("ACD347", "ACD347"),
    ("acd347", "ACD347"),
    ("acd 347", "ACD347"),
    ("  acd-347 ", "ACD347"),
    ("a-c-d-3-4-7", "ACD347"),
    ("Acd_347", "ACD347"),
    ("\tacd347\t", "ACD347"),
])
def test_a_code_may_be_typed_in_lowercase_with_spaces_and_hyphens(typed, code):
    assert typed_code(typed) == code


@pytest.mark.parametrize("typed", ["abc", "ACD3479", "O0O0O0", "ACD3I7", "ACD 31", "ACD34!", "ÄCD347"])
def test_what_cannot_be_a_code_is_refused_saying_what_a_code_is(typed):
    with pytest.raises(ValueError, match="6 letters and digits, as shown on the projector"):
        typed_code(typed)


@pytest.mark.parametrize("typed", [None, "", "   ", " - "])
def test_nothing_typed_asks_for_the_code(typed):
    with pytest.raises(ValueError, match="Type the class code"):
        typed_code(typed)


def test_keys_carry_at_least_128_random_bits():
    teachers = [new_teacher_key() for _ in range(200)]
    pupils = [new_student_key() for _ in range(200)]
    for key in teachers + pupils:
        assert decoded_length(key) >= 16
        assert set(key) <= set(string.ascii_letters + string.digits + "-_")  # safe in an address
    assert all(decoded_length(key) >= 24 for key in teachers)
    assert len(set(teachers)) == 200 and len(set(pupils)) == 200


def test_a_key_matches_only_its_own_digest():
    key, other = new_teacher_key(), new_teacher_key()
    digest = key_digest(key)
    assert len(digest) == 64 and key not in digest
    assert key_matches(key, digest) is True
    for wrong in (other, key[:-1], key + "x", key.upper(), "", None, key * 3):
        assert key_matches(wrong, digest) is False
