"""Every read and write of class mode, with its limits and its checks: the one way into the class tables.

A teacher proves themself with the class's teacher key, a student with the key
their join returned; both are checked here, on every call, against the stored
digests. Nothing is kept in the process between calls (several replicas share
one database), except when this process last looked for expired classes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.classroom.board import Board, BoardPhoto, StepAnswers
from core.classroom.codes import key_digest, key_matches, new_class_code, new_student_key, new_teacher_key, typed_code
from core.classroom.errors import ClassroomError, NotTheTeacher, UnknownClass
from core.classroom.limits import (
    IDLE_SECONDS,
    LABELS,
    MAX_PHOTOS_PER_STUDENT,
    MAX_STUDENTS,
    NAME_CHARACTERS,
    OPTION_CHARACTERS,
    SWEEP_SECONDS,
)
from core.classroom.nicknames import clean_nickname
from core.classroom.schema import AnswerRow, ClassRow, PhotoRow, StudentRow
from core.classroom.tickets import SentPhoto, StudentTicket, TeacherTicket

WRONG_CODE = ("There is no class with the code {code} (it may have ended, or expired after 4 hours). "
              "Check the code on the projector.")


class ClassStore:
    """The class tables on one engine; thread-safe (one database session per call)."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time, *,
                 sweep_every: float | None = None):
        """``sweep_every``: seconds between sweeps on a background thread (the server's store: SWEEP_SECONDS),
        so expired classes go even while nobody uses class mode; None for none (tests drive the clock)."""
        self.engine, self.clock = engine, clock
        # Rows stay readable after their transaction ends: records are built from them outside it.
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._sweep_lock = threading.Lock()
        self._swept_at = float("-inf")
        self._stopped = threading.Event()
        self.sweep_if_due()  # expired classes are deleted on start
        if sweep_every is not None:
            threading.Thread(target=self._sweep_forever, args=(sweep_every,), name="class-sweeper",
                             daemon=True).start()

    def _sweep_forever(self, every: float) -> None:
        while not self._stopped.wait(every):
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 (a database that is down now may be back at the next sweep)
                continue

    def close(self) -> None:
        """Stop the background sweeps (the engine stays the caller's)."""
        self._stopped.set()

    # -- housekeeping ------------------------------------------------------------------------------------------
    def sweep(self) -> int:
        """Delete every class idle for IDLE_SECONDS; the number deleted."""
        cutoff = self.clock() - IDLE_SECONDS
        with self._session() as session, session.begin():
            ids = session.scalars(select(ClassRow.id).where(ClassRow.active_at < cutoff)).all()
            self._delete_classes(session, ids)
        return len(ids)

    def sweep_if_due(self) -> None:
        with self._sweep_lock:
            if self.clock() - self._swept_at < SWEEP_SECONDS:
                return
            self._swept_at = self.clock()
        self.sweep()

    @staticmethod
    def _delete_classes(session: Session, ids) -> None:
        if not ids:
            return
        # Children first, so the deletion holds without relying on the backend's cascades.
        for table in (AnswerRow, PhotoRow, StudentRow):
            session.execute(delete(table).where(table.class_id.in_(ids)))
        session.execute(delete(ClassRow).where(ClassRow.id.in_(ids)))

    def _class(self, session: Session, code: str, *, for_update: bool = False) -> ClassRow:
        """The live class with this code, or UnknownClass (a wrong code, or one idle too long, deleted now)."""
        code = typed_code(code)
        query = select(ClassRow).where(ClassRow.code == code)
        row = session.scalars(query.with_for_update() if for_update else query).first()
        if row is not None and row.active_at < self.clock() - IDLE_SECONDS:
            # Deleted in a transaction of its own: the refusal below rolls the caller's back.
            with self._session() as expiring, expiring.begin():
                self._delete_classes(expiring, [row.id])
            row = None
        if row is None:
            raise UnknownClass(WRONG_CODE.format(code=code))
        return row

    def _touch(self, session: Session, row: ClassRow) -> None:
        session.execute(update(ClassRow).where(ClassRow.id == row.id).values(active_at=self.clock()))

    # -- the teacher -------------------------------------------------------------------------------------------
    def start_class(self) -> TeacherTicket:
        self.sweep_if_due()
        key = new_teacher_key()
        for _ in range(20):  # 25**6 codes: a collision is rare, and retried
            code = new_class_code()
            try:
                with self._session() as session, session.begin():
                    now = self.clock()
                    session.add(ClassRow(code=code, teacher_key_digest=key_digest(key), created_at=now,
                                         active_at=now, current_step=1, revealed_step=0))
                return TeacherTicket(code, key)
            except IntegrityError:
                continue
        raise ClassroomError("No free class code was found; try again.")

    def _teacher_class(self, session: Session, code: str, key: str | None) -> ClassRow:
        row = self._class(session, code)
        if not key_matches(key, row.teacher_key_digest):
            raise NotTheTeacher("Only the teacher who started this class can do that (the teacher address holds "
                                "its key).")
        return row

    def is_teacher(self, code: str, key: str | None) -> bool:
        try:
            with self._session() as session, session.begin():
                self._teacher_class(session, code, key)
            return True
        except ValueError:  # a refusal, or a code that cannot be one
            return False

    def set_step(self, code: str, key: str | None, step: int) -> None:
        """The lesson step the class is on (its checkpoint's answers are the board's chart)."""
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            row.current_step, row.active_at = int(step), self.clock()

    def reveal(self, code: str, key: str | None, step: int) -> None:
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            row.revealed_step, row.active_at = int(step), self.clock()

    def hide_photo(self, code: str, key: str | None, photo_id: int, hidden: bool = True) -> None:
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            session.execute(update(PhotoRow).where(PhotoRow.class_id == row.id, PhotoRow.id == int(photo_id))
                            .values(hidden=bool(hidden)))
            self._touch(session, row)

    def clear_board(self, code: str, key: str | None) -> None:
        """Every photo and answer of the class deleted; its students stay joined."""
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            session.execute(delete(AnswerRow).where(AnswerRow.class_id == row.id))
            session.execute(delete(PhotoRow).where(PhotoRow.class_id == row.id))
            row.revealed_step, row.active_at = 0, self.clock()

    def end_class(self, code: str, key: str | None) -> None:
        """Everything of the class deleted: students, photos, labels, answers, the class itself."""
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            self._delete_classes(session, [row.id])

    def board(self, code: str, key: str | None) -> Board:
        """The teacher's board: every shown photo with its answer and label, and the current step's answers."""
        self.sweep_if_due()  # the board refreshes every 2 s, so a running class deletes expired ones hourly
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            photos = session.execute(
                select(PhotoRow.id, StudentRow.nickname, PhotoRow.name, PhotoRow.model_name, PhotoRow.answer,
                       PhotoRow.best_guess, PhotoRow.confidence, PhotoRow.neither, PhotoRow.label, PhotoRow.hidden,
                       PhotoRow.thumbnail)
                .join(StudentRow, StudentRow.id == PhotoRow.student_id)
                .where(PhotoRow.class_id == row.id).order_by(PhotoRow.sent_at, PhotoRow.id)).all()
            students = session.scalar(select(func.count()).select_from(StudentRow)
                                      .where(StudentRow.class_id == row.id))
            answers = self._step_answers(session, row, row.current_step)
        shown = tuple(BoardPhoto(*photo) for photo in photos if not photo.hidden)
        return Board(code=row.code, students=int(students or 0), photos=shown, hidden=len(photos) - len(shown),
                     current_step=row.current_step, answers=answers)

    def photo_jpeg(self, code: str, key: str | None, photo_id: int) -> bytes:
        """The 512-px copy of one photo, for the teacher's large view."""
        with self._session() as session, session.begin():
            row = self._teacher_class(session, code, key)
            jpeg = session.scalar(select(PhotoRow.jpeg).where(PhotoRow.class_id == row.id,
                                                              PhotoRow.id == int(photo_id)))
        if jpeg is None:
            raise ClassroomError("That photo is no longer on the board.")
        return jpeg

    @staticmethod
    def _step_answers(session: Session, row: ClassRow, step: int) -> StepAnswers:
        counted = session.execute(
            select(AnswerRow.option, AnswerRow.right, func.count())
            .where(AnswerRow.class_id == row.id, AnswerRow.step == step)
            .group_by(AnswerRow.option, AnswerRow.right)).all()
        options = tuple(sorted(((option, int(count), bool(right)) for option, right, count in counted),
                               key=lambda entry: (-entry[1], entry[0])))
        return StepAnswers(step=step, options=options, revealed=row.revealed_step == step)

    # -- students ----------------------------------------------------------------------------------------------
    def check_code(self, code: str) -> str:
        """The class's code as stored, or UnknownClass / ValueError with the sentence to show."""
        with self._session() as session, session.begin():
            return self._class(session, code).code

    def join(self, code: str, nickname: str | None = None) -> StudentTicket:
        """A new student in the class ("Student 7" without a nickname), or why not (unknown, full)."""
        self.sweep_if_due()
        key = new_student_key()
        for _ in range(MAX_STUDENTS + 5):  # students joining at the same moment race for a number: retried
            try:
                with self._session() as session, session.begin():
                    row = self._class(session, code)
                    number = 1 + int(session.scalar(select(func.coalesce(func.max(StudentRow.number), 0))
                                                    .where(StudentRow.class_id == row.id)))
                    if number > MAX_STUDENTS:
                        raise ClassroomError(f"This class is full: it admits {MAX_STUDENTS} students.")
                    name = clean_nickname(nickname, number)
                    session.add(StudentRow(class_id=row.id, number=number, nickname=name,
                                           key_digest=key_digest(key), joined_at=self.clock()))
                    self._touch(session, row)
                return StudentTicket(row.code, key, number, name)
            except IntegrityError:
                continue
        raise ClassroomError("Too many students joined at once; try again.")

    def rename(self, ticket: StudentTicket, nickname: str | None) -> StudentTicket:
        """The student's new nickname (cleaned and bounded as on joining)."""
        with self._session() as session, session.begin():
            row, student = self._student(session, ticket)
            student.nickname = clean_nickname(nickname, student.number)
            self._touch(session, row)
            return StudentTicket(ticket.code, ticket.key, student.number, student.nickname)

    def student_ticket(self, code: str, key: str) -> StudentTicket | None:
        """The student holding ``key`` in this class (a reload keeps their place); None for an unknown key."""
        with self._session() as session, session.begin():
            row = self._class(session, code)
            student = session.scalars(select(StudentRow).where(StudentRow.class_id == row.id,
                                                               StudentRow.key_digest == key_digest(key))).first()
            return None if student is None else StudentTicket(row.code, key, student.number, student.nickname)

    def _student(self, session: Session, ticket: StudentTicket) -> tuple[ClassRow, StudentRow]:
        row = self._class(session, ticket.code)
        student = session.scalars(select(StudentRow).where(StudentRow.class_id == row.id,
                                                           StudentRow.key_digest == key_digest(ticket.key))).first()
        if student is None:
            raise UnknownClass("You are no longer in this class (the teacher may have ended it): join again.")
        return row, student

    def send_photo(self, ticket: StudentTicket, photo: SentPhoto) -> int:
        """Store one photo with its answer on the class board; its id. At most 3 a student."""
        photo = photo.checked()
        for _ in range(MAX_PHOTOS_PER_STUDENT + 2):
            try:
                with self._session() as session, session.begin():
                    row, student = self._student(session, ticket)
                    slots = set(session.scalars(select(PhotoRow.slot).where(PhotoRow.student_id == student.id)))
                    free = [slot for slot in range(1, MAX_PHOTOS_PER_STUDENT + 1) if slot not in slots]
                    if not free:
                        raise ClassroomError(f"You have sent {MAX_PHOTOS_PER_STUDENT} photos, the most a student may "
                                             "send to the board.")
                    added = PhotoRow(class_id=row.id, student_id=student.id, slot=free[0],
                                     name=photo.name[:NAME_CHARACTERS], model_name=photo.model_name[:NAME_CHARACTERS],
                                     answer=photo.answer, best_guess=photo.best_guess[:16],
                                     confidence=float(photo.confidence), neither=bool(photo.neither), label=None,
                                     hidden=False, sent_at=self.clock(), jpeg=photo.jpeg, thumbnail=photo.thumbnail)
                    session.add(added)
                    session.flush()
                    self._touch(session, row)
                    return added.id
            except IntegrityError:  # the same student sending twice at once: the next free slot
                continue
        raise ClassroomError("The photo could not be stored; try again.")

    def label_photo(self, ticket: StudentTicket, photo_id: int, label: str) -> None:
        """What the student says their photo really shows (only their own photo)."""
        if label not in LABELS:
            raise ClassroomError(f"A photo shows one of {', '.join(LABELS)}, not {str(label)[:20]!r}.")
        with self._session() as session, session.begin():
            row, student = self._student(session, ticket)
            changed = session.execute(update(PhotoRow).where(PhotoRow.id == int(photo_id),
                                                             PhotoRow.student_id == student.id)
                                      .values(label=label)).rowcount
            if not changed:
                raise ClassroomError("That photo is not one of yours on the board (the teacher may have cleared it).")
            self._touch(session, row)

    def own_photos(self, ticket: StudentTicket) -> tuple[BoardPhoto, ...]:
        """A student's own photos on the board, and nobody else's."""
        with self._session() as session, session.begin():
            _, student = self._student(session, ticket)
            photos = session.execute(
                select(PhotoRow.id, PhotoRow.name, PhotoRow.model_name, PhotoRow.answer, PhotoRow.best_guess,
                       PhotoRow.confidence, PhotoRow.neither, PhotoRow.label, PhotoRow.hidden, PhotoRow.thumbnail)
                .where(PhotoRow.student_id == student.id).order_by(PhotoRow.slot)).all()
            nickname = student.nickname
        return tuple(BoardPhoto(photo.id, nickname, *photo[1:]) for photo in photos)

    def answer_checkpoint(self, ticket: StudentTicket, step: int, option: str, right: bool) -> bool:
        """The student's answer to a step's checkpoint; only the first counts (False for a later one)."""
        option = str(option)
        if not option or len(option) > OPTION_CHARACTERS:
            raise ClassroomError(f"A checkpoint answer is 1 to {OPTION_CHARACTERS} characters.")
        try:
            with self._session() as session, session.begin():
                row, student = self._student(session, ticket)
                session.add(AnswerRow(class_id=row.id, student_id=student.id, step=int(step), option=option,
                                      right=bool(right), answered_at=self.clock()))
                session.flush()
                self._touch(session, row)
            return True
        except IntegrityError:
            return False

    def current_step(self, code: str) -> int:
        """The lesson step the teacher is on."""
        with self._session() as session, session.begin():
            return self._class(session, code).current_step

    def step_answers(self, code: str, step: int) -> StepAnswers:
        """The class's answers to a step, aggregated (what a student may see of the others)."""
        with self._session() as session, session.begin():
            row = self._class(session, code)
            return self._step_answers(session, row, int(step))
