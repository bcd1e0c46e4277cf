"""The class-mode tables: classes, their students, photos (with the student's label) and checkpoint answers.

Times are seconds since the epoch (a float), the same on SQLite and PostgreSQL.
Deleting a class deletes everything of it (``ON DELETE CASCADE`` plus the ORM's
cascade, so it holds on either backend).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.classroom.codes import CODE_LENGTH
from core.classroom.limits import NAME_CHARACTERS, NICKNAME_CHARACTERS, OPTION_CHARACTERS

#: Bumped when a table changes; ``database.open_database`` migrates an older schema on start.
SCHEMA_VERSION = 1

_DIGEST = 64  # a SHA-256 in hex


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "classroom_schema"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class ClassRow(Base):
    __tablename__ = "classroom_classes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, index=True)
    teacher_key_digest: Mapped[str] = mapped_column(String(_DIGEST))
    created_at: Mapped[float] = mapped_column(Float)
    active_at: Mapped[float] = mapped_column(Float, index=True)  # last activity; 4 hours later it is deleted
    current_step: Mapped[int] = mapped_column(Integer, default=1)  # the lesson step the teacher is on
    revealed_step: Mapped[int] = mapped_column(Integer, default=0)  # the step whose answer the teacher showed
    students: Mapped[list[StudentRow]] = relationship(back_populates="klass", cascade="all, delete-orphan",
                                                      passive_deletes=True)


class StudentRow(Base):
    __tablename__ = "classroom_students"
    __table_args__ = (UniqueConstraint("class_id", "number"), UniqueConstraint("key_digest"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classroom_classes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... in joining order: "Student 7"
    nickname: Mapped[str] = mapped_column(String(NICKNAME_CHARACTERS * 4))  # characters, not bytes
    key_digest: Mapped[str] = mapped_column(String(_DIGEST))
    joined_at: Mapped[float] = mapped_column(Float)
    klass: Mapped[ClassRow] = relationship(back_populates="students")
    photos: Mapped[list[PhotoRow]] = relationship(back_populates="student", cascade="all, delete-orphan",
                                                  passive_deletes=True)
    answers: Mapped[list[AnswerRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PhotoRow(Base):
    __tablename__ = "classroom_photos"
    __table_args__ = (UniqueConstraint("student_id", "slot"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classroom_classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("classroom_students.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column(Integer)  # 1..MAX_PHOTOS_PER_STUDENT: the limit holds under races
    name: Mapped[str] = mapped_column(String(NAME_CHARACTERS * 4))
    model_name: Mapped[str] = mapped_column(String(NAME_CHARACTERS * 4))
    answer: Mapped[str] = mapped_column(String(16))  # what the page said: "cat", "dog", "not sure" or "neither"
    best_guess: Mapped[str] = mapped_column(String(16))  # the top class, also for "not sure" and "neither"
    confidence: Mapped[float] = mapped_column(Float)  # calibrated top-class probability, as the page showed it
    neither: Mapped[bool] = mapped_column(Boolean)
    label: Mapped[str | None] = mapped_column(String(16), nullable=True)  # what the student says it shows
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[float] = mapped_column(Float)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)  # the 512-px copy
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)  # the grid's copy
    student: Mapped[StudentRow] = relationship(back_populates="photos")


class AnswerRow(Base):
    __tablename__ = "classroom_answers"
    __table_args__ = (UniqueConstraint("student_id", "step"),)  # only a student's first answer to a step counts
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classroom_classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("classroom_students.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    option: Mapped[str] = mapped_column(String(OPTION_CHARACTERS * 4))
    right: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[float] = mapped_column(Float)
