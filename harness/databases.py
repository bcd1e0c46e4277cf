"""Throwaway PostgreSQL databases beside a base URL, for the class-mode tests and benchmarks.

``.ci/run`` starts Debian's PostgreSQL and names its test database in
``CNN_CLASSROOM_TEST_POSTGRES_URL``; on a laptop a local server with the same role and
database is found without it.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

POSTGRES_URL_ENV = "CNN_CLASSROOM_TEST_POSTGRES_URL"

#: The role and database ``.ci/run`` creates on the local cluster.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://cnn_classroom:cnn_classroom@127.0.0.1:5432/cnn_classroom_test"

@cache
def _local_server_answers() -> bool:
    """Whether the default URL's server takes TCP connections and lets the test role in."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            pass
    except OSError:
        return False
    engine = sa.create_engine(DEFAULT_POSTGRES_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def postgres_url() -> str | None:
    """The PostgreSQL base URL for the tests: the environment's, else the local default if it answers."""
    configured = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if configured:
        return configured
    return DEFAULT_POSTGRES_URL if _local_server_answers() else None


def _drop(admin: sa.Engine, name: str, attempts: int = 10) -> None:
    """Drop the test's database. FORCE ends a connection the test left open (an engine not disposed); a
    non-superuser cannot end an autovacuum worker that way, but a moment later the worker is gone."""
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except sa.exc.DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@contextmanager
def fresh_postgres_database(base_url: str) -> Iterator[str]:
    """A new database beside ``base_url``'s (its role needs CREATEDB), dropped again afterwards."""
    base = sa.make_url(base_url)
    name = f"{base.database}_{secrets.token_hex(6)}"
    admin = sa.create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            _drop(admin, name)
    finally:
        admin.dispose()
