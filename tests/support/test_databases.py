"""tests/support/databases.py: every test gets its own empty, writable database on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from harness.databases import DEFAULT_POSTGRES_URL, POSTGRES_URL_ENV, postgres_url
from tests.support.databases import fresh_database


def backend_of(url: str) -> str:
    return sa.make_url(url).get_backend_name()


def table_names(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def postgres_database_exists(name: str) -> bool:
    engine = sa.create_engine(postgres_url(), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": name}).first() is not None
    finally:
        engine.dispose()


def test_the_database_is_empty_and_writable(database_url, request):
    assert backend_of(database_url) == request.node.callspec.id  # the test id names the backend it ran on
    assert table_names(database_url) == []

    metadata = sa.MetaData()
    students = sa.Table("students", metadata,
                        sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(40), nullable=False))
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(students.insert(), [{"name": "Ada"}, {"name": "Grace"}])
        with engine.connect() as connection:
            rows = connection.execute(sa.select(students.c.name).order_by(students.c.id)).scalars().all()
    finally:
        engine.dispose()
    assert rows == ["Ada", "Grace"]
    assert table_names(database_url) == ["students"]


def test_each_database_is_its_own_and_postgres_ones_are_dropped(database_url, tmp_path):
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE marker (id INTEGER PRIMARY KEY)"))
    finally:
        engine.dispose()

    backend = backend_of(database_url)
    (tmp_path / "second").mkdir()
    with fresh_database(backend, tmp_path / "second") as second_url:
        assert second_url != database_url
        assert table_names(second_url) == []
        # A connection left open must not keep a PostgreSQL database alive past its test.
        left_open = sa.create_engine(second_url, poolclass=NullPool).connect()
        left_open.execute(sa.text("SELECT 1"))
    left_open.invalidate()

    assert table_names(database_url) == ["marker"]
    if backend == "postgresql":
        assert not postgres_database_exists(sa.make_url(second_url).database)
        assert postgres_database_exists(sa.make_url(database_url).database)  # the fixture's lives to its teardown


def test_the_environment_names_the_postgres_server(monkeypatch):
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql+psycopg://someone:secret@db.example:6543/elsewhere")
    assert postgres_url() == "postgresql+psycopg://someone:secret@db.example:6543/elsewhere"
    monkeypatch.setenv(POSTGRES_URL_ENV, "")
    assert postgres_url() in (DEFAULT_POSTGRES_URL, None)  # empty means unset: the local server, if it answers


def test_an_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="mysql"):
        with fresh_database("mysql", tmp_path):
            pass
