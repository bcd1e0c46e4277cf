"""Who a request says it is in a class, what a student sends, and why class mode refuses one: records, no SQL.

Kept apart from ``store`` so the pages that only check a ticket's type or catch
a refusal import no SQL library before they draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.classroom.board import ANSWERS
from core.classroom.errors import ClassroomError
from core.classroom.limits import MAX_STORED_BYTES


@dataclass(frozen=True)
class TeacherTicket:
    code: str
    key: str  # shown only to the teacher, in the teacher address


@dataclass(frozen=True)
class StudentTicket:
    code: str
    key: str
    number: int
    nickname: str


@dataclass(frozen=True)
class SentPhoto:
    """What a student's page sends: the copies (core.classroom.photo_copy) and the answer it showed."""

    name: str
    model_name: str
    answer: str
    best_guess: str
    confidence: float
    neither: bool
    jpeg: bytes
    thumbnail: bytes

    def checked(self) -> SentPhoto:
        if self.answer not in ANSWERS:
            raise ClassroomError(f"{self.answer!r} is not an answer the model gives.")
        if not 0.0 <= float(self.confidence) <= 1.0:
            raise ClassroomError("A percentage must lie between 0 and 100.")
        if not self.jpeg or not self.thumbnail or len(self.jpeg) + len(self.thumbnail) > MAX_STORED_BYTES:
            raise ClassroomError("The photo's stored copy is empty or too large.")
        return self
