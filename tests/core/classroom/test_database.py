"""core/classroom/database.py: where the tables live, and that opening them twice is harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core.classroom.database import DATABASE_URL_ENV, database_url, open_database
from core.classroom.schema import SCHEMA_VERSION
from core.classroom.store import ClassStore

POSTGRES = "postgresql+psycopg://teacher:secret@dbhost:5432/cnn_classroom"


def test_the_environment_names_the_database(tmp_path):
    assert DATABASE_URL_ENV == "CNN_CLASSROOM_DATABASE_URL"
    assert database_url({DATABASE_URL_ENV: POSTGRES}, data_dir=tmp_path) == POSTGRES
    assert database_url({DATABASE_URL_ENV: f"  {POSTGRES}\n"}, data_dir=tmp_path) == POSTGRES


@pytest.mark.parametrize("environ", [{}, {DATABASE_URL_ENV: ""}, {DATABASE_URL_ENV: "   "}, {"OTHER": POSTGRES}])
def test_without_a_setting_it_is_an_sqlite_file_in_the_data_folder(tmp_path, environ):
    assert database_url(environ, data_dir=tmp_path) == f"sqlite+pysqlite:///{tmp_path / 'classroom.sqlite3'}"


def test_the_default_file_and_its_folder_are_made_on_opening(tmp_path):
    data_dir = tmp_path / "not" / "yet"
    engine = open_database(database_url({}, data_dir=data_dir))
    try:
        assert (data_dir / "classroom.sqlite3").is_file()
        assert {"classroom_classes", "classroom_students", "classroom_photos", "classroom_answers",
                "classroom_schema"} <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_is_in_wal_mode_with_foreign_keys(tmp_path):
    engine = open_database(f"sqlite+pysqlite:///{tmp_path / 'class.sqlite3'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def schema_versions(engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT version FROM classroom_schema")).scalars())


def test_opening_twice_keeps_the_schema_and_the_data(database_url):
    first = open_database(database_url)
    try:
        teacher = ClassStore(first).start_class()
        assert schema_versions(first) == [SCHEMA_VERSION]
        second = open_database(database_url)
        try:
            assert schema_versions(second) == [SCHEMA_VERSION]
            assert ClassStore(second).check_code(teacher.code) == teacher.code
            assert ClassStore(second).is_teacher(teacher.code, teacher.key)
        finally:
            second.dispose()
    finally:
        first.dispose()


def test_a_database_from_a_newer_app_is_refused(database_url):
    engine = open_database(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE classroom_schema SET version = :v"), {"v": SCHEMA_VERSION + 1})
        with pytest.raises(ValueError, match="newer than this app"):
            open_database(database_url)
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["mysql+pymysql://u:p@host/db", "http://example.com/db", "classroom.sqlite3",
                                 "mongodb://host/db"])
def test_a_url_of_another_kind_is_refused(url):
    with pytest.raises(ValueError, match=f"{DATABASE_URL_ENV} must be an sqlite or postgresql URL"):
        open_database(url)


def test_a_relative_sqlite_path_is_made_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = open_database("sqlite+pysqlite:///sub/class.sqlite3")
    try:
        assert Path("sub/class.sqlite3").is_file()
    finally:
        engine.dispose()
