"""Class mode's store on a fresh database (SQLite and PostgreSQL), with a clock the test moves by hand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import sqlalchemy as sa

from core.classroom.database import open_database
from core.classroom.photo_copy import stored_copies
from core.classroom.store import ClassStore, SentPhoto

#: The four tables that hold a class's data, each with the column naming the class.
CLASS_TABLES = ("classroom_classes", "classroom_students", "classroom_photos", "classroom_answers")

#: Some Tuesday morning: well away from 0, so that "4 hours ago" is never negative.
START = 1_760_000_000.0


@dataclass
class FakeClock:
    now: float = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(database_url):
    engine = open_database(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def store(engine, clock) -> ClassStore:
    return ClassStore(engine, clock=clock)


def small_copies(seed: int = 0) -> tuple[bytes, bytes]:
    pixels = np.random.default_rng(seed).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    return stored_copies(pixels)


_COPIES = small_copies()


def sent(answer: str = "cat", *, best_guess: str | None = None, confidence: float = 0.9, neither: bool = False,
         name: str = "photo.jpg", copies: tuple[bytes, bytes] = _COPIES) -> SentPhoto:
    """A photo as a student's page sends it, with the model's answer."""
    guess = best_guess if best_guess is not None else (answer if answer in ("cat", "dog") else "cat")
    return SentPhoto(name=name, model_name="Tiny CNN", answer=answer, best_guess=guess, confidence=confidence,
                     neither=neither, jpeg=copies[0], thumbnail=copies[1])


def row_counts(engine, class_id: int | None = None) -> dict[str, int]:
    """Rows in each class table (of one class when ``class_id`` is given), read straight from the database."""
    counts = {}
    with engine.connect() as connection:
        for name in CLASS_TABLES:
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            column = table.c.id if name == "classroom_classes" else table.c.class_id
            query = sa.select(sa.func.count()).select_from(table)
            if class_id is not None:
                query = query.where(column == class_id)
            counts[name] = int(connection.scalar(query))
    return counts


def class_id(engine, code: str) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.text("SELECT id FROM classroom_classes WHERE code = :code"), {"code": code}))


def class_rows(engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(sa.text("SELECT * FROM classroom_classes")).mappings()]
