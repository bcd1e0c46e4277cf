"""Where class mode's tables live: an SQLite file in the data folder, or the server's PostgreSQL.

``CNN_CLASSROOM_DATABASE_URL`` (a server setting, read once when the store is
opened) moves the store to another database, e.g.
``postgresql+psycopg://user:password@dbhost/cnn_classroom`` for several machines.
Unset, it is ``data/classroom.sqlite3`` beside the app, in WAL mode so that readers
(the board refreshing) never wait for a writer (a student sending a photo).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from core.classroom.schema import SCHEMA_VERSION, Base, SchemaVersion
from core.paths import DATA_DIR

DATABASE_URL_ENV = "CNN_CLASSROOM_DATABASE_URL"

#: The default store: one file in the data folder (core.paths.DATA_DIR).
SQLITE_FILE = "classroom.sqlite3"

#: How long a writer waits for another process's write on SQLite (two replicas share the file).
SQLITE_BUSY_MILLISECONDS = 10_000


def database_url(environ: Mapping[str, str] | None = None, data_dir: Path = DATA_DIR) -> str:
    environ = os.environ if environ is None else environ
    configured = environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite+pysqlite:///{data_dir / SQLITE_FILE}"


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MILLISECONDS}")
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE only holds with it
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe in WAL mode, and no fsync per answer
    cursor.close()


def open_database(url: str) -> Engine:
    """An engine on ``url`` with the schema created, or migrated from an older version."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MILLISECONDS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.startswith("postgresql"):
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    else:
        raise ValueError(f"{DATABASE_URL_ENV} must be an sqlite or postgresql URL, got {url.split(':', 1)[0]!r}.")
    migrate(engine)
    return engine


#: version -> what turns the schema of the version before into it (none yet: version 1 is the first).
MIGRATIONS: dict[int, str] = {}


def migrate(engine: Engine, attempts: int = 3) -> None:
    """Create the tables that are missing, then bring an older schema up to SCHEMA_VERSION.

    Replicas starting together race to create the same tables; the loser tries again and finds them.
    """
    for attempt in range(attempts):
        try:
            _migrate_once(engine)
            return
        except (IntegrityError, DBAPIError):
            if attempt == attempts - 1:
                raise


def _migrate_once(engine: Engine) -> None:
    Base.metadata.create_all(engine)  # only creates what is missing
    with Session(engine) as session, session.begin():
        row = session.scalars(select(SchemaVersion).with_for_update()).first()
        if row is None:
            session.add(SchemaVersion(id=1, version=SCHEMA_VERSION))
            return
        if row.version > SCHEMA_VERSION:
            raise ValueError(f"The class database has schema version {row.version}, newer than this app's "
                             f"{SCHEMA_VERSION}: update the app.")
        for version in range(row.version + 1, SCHEMA_VERSION + 1):
            session.execute(text(MIGRATIONS[version]))
        row.version = SCHEMA_VERSION
