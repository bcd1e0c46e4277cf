"""Class codes a class can read off a projector, and the secret keys that prove a teacher or a student."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from core.classroom.errors import ClassroomError

#: No 0/O, 1/I/L, 2/Z, 5/S or 8/B: a code read off the back of a room is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6

#: Bytes of randomness in a teacher key (192 bits) and in a student's key (128 bits).
TEACHER_KEY_BYTES = 24
STUDENT_KEY_BYTES = 16

#: The longest key a request may carry (a URL-safe 24-byte key is 32 characters).
MAX_KEY_CHARACTERS = 64


def new_class_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_teacher_key() -> str:
    return secrets.token_urlsafe(TEACHER_KEY_BYTES)


def new_student_key() -> str:
    return secrets.token_urlsafe(STUDENT_KEY_BYTES)


def typed_code(typed: str | None) -> str:
    """A code as a student may type it ("ab-c 3d9" -> "ABC3D9"); ClassroomError when it cannot be one."""
    text = "".join(character for character in str(typed or "") if character not in " -_\t").upper()
    if not text:
        raise ClassroomError("Type the class code shown on the projector.")
    if len(text) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in text):
        raise ClassroomError(f"A class code is {CODE_LENGTH} letters and digits, as shown on the projector; "
                         f"{text[:CODE_LENGTH + 4]!r} is not one.")
    return text


def key_digest(key: str) -> str:
    """What is stored of a key: its SHA-256, so the database alone never lets anyone act as a teacher."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(key: str | None, digest: str) -> bool:
    """Whether ``key`` is the one whose digest is stored (in constant time); False for a missing or huge key."""
    if not key or len(key) > MAX_KEY_CHARACTERS:
        return False
    return hmac.compare_digest(key_digest(key), digest)
