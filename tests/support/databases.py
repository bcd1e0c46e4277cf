"""A fresh, empty database per test, on SQLite and on PostgreSQL, for class mode's store.

``.ci/run`` starts Debian's PostgreSQL and names its test database in
``CNN_CLASSROOM_TEST_POSTGRES_URL``; on a laptop a local server with the same role and
database is found without it. Without either, the PostgreSQL half skips (fails in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.databases import POSTGRES_URL_ENV, fresh_postgres_database, postgres_url
from tests.support.requirements import require

BACKENDS = ("sqlite", "postgresql")


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A URL of a new, empty database on ``backend`` ("sqlite" in ``directory``, or "postgresql")."""
    if backend == "sqlite":
        path = directory / "classroom.sqlite3"
        assert not path.exists(), f"{path} is not fresh"
        yield f"sqlite+pysqlite:///{path}"
    elif backend == "postgresql":
        base_url = postgres_url()
        require(base_url is not None, f"PostgreSQL ({POSTGRES_URL_ENV} or a local server)")
        with fresh_postgres_database(base_url) as url:
            yield url
    else:
        raise ValueError(f"unknown database backend {backend!r}; expected one of {BACKENDS}")


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database's SQLAlchemy URL: once on SQLite, once on PostgreSQL."""
    with fresh_database(request.param, tmp_path) as url:
        yield url
