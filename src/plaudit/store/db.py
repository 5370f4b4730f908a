"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from plaudit.store import files
from plaudit.store.group_commit import GroupCommit
from plaudit.store.outage import OutageLog
from plaudit.store.write_gate import WriteGate

READONLY = "plaudit_readonly"
DEFAULT_LOCK_TIMEOUT_SECONDS = 5.0
SQLITE_POOL_SIZE = 40  # anyio's default thread limit, which runs the requests' database work
POSTGRES_GROUP_WRITERS = 4  # batches written side by side per process (of the pool's 10)


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(
    url: str, lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS, **kwargs: Any
) -> Engine:
    """An engine whose waits for a lock, a pooled connection or a server end after
    `lock_timeout_seconds`: the client then gets a prompt 503 (store/outage.py), not a hang."""
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, lock_timeout_seconds, **kwargs)
    return _postgres_engine(url, lock_timeout_seconds, **kwargs)


def _postgres_engine(url: str, lock_timeout_seconds: float, **kwargs: Any) -> Engine:
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in make_url(url).query:
        connect_args["connect_timeout"] = max(2, math.ceil(lock_timeout_seconds))
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=lock_timeout_seconds,
        connect_args=connect_args,
        **kwargs,
    )
    lock_timeout = f"{max(1, round(lock_timeout_seconds * 1000))}ms"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # A session-wide setting, outside any transaction: a statement waiting longer for a
        # row or table lock fails (SQLSTATE 55P03) instead of queueing behind it.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", (lock_timeout,))
        cursor.close()
        dbapi_connection.autocommit = autocommit

    return engine


def _sqlite_engine(url: str, lock_timeout_seconds: float, **kwargs: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        files.private_sqlite_database(Path(database))
    # `timeout` is SQLite's busy timeout: how long a write waits for another process's lock.
    connect_args = {"check_same_thread": False, "timeout": lock_timeout_seconds}
    if database and database != ":memory:":
        # Connections enough for every thread of the request pool: one past the pool's size is
        # closed when given back, and opening it again (file, PRAGMAs) cost a create 7%.
        kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing transaction takes the write lock up front: a deferred one that reads first
        # and writes later fails with "database is locked" when another writer got in between.
        if connection.get_execution_options().get(READONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _lock_file(engine: Engine) -> Path | None:
    """The writers' lock file beside a SQLite database file; None for an in-memory one."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}-writer.lock")


class Database:
    """One engine and its session factories, for writing and for read-only work."""

    def __init__(
        self, url: str, *, lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS
    ) -> None:
        self.url = normalize_url(url)
        self.lock_timeout_seconds = lock_timeout_seconds
        self.engine = make_engine(self.url, lock_timeout_seconds)
        # SQLite has one writer at a time: writers of every process queue on locks instead of
        # SQLite's busy handler (store/write_gate.py).
        self._write_gate = (
            WriteGate(_lock_file(self.engine), lock_timeout_seconds) if self.is_sqlite else None
        )
        self.outages = OutageLog()
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(
            self.engine.execution_options(**{READONLY: True}), expire_on_commit=False
        )
        # This process's writers of creates, each batch in one transaction (group_commit.py).
        self.group_commit = GroupCommit(
            self, writers=1 if self.is_sqlite else POSTGRES_GROUP_WRITERS
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self, *, readonly: bool = False) -> Session:
        return (self._reader if readonly else self._writer)()

    @contextmanager
    def writing_session(self, session_class: type[Session] = Session) -> Iterator[Session]:
        """A session for work that writes; on SQLite, one such session at a time per process.
        A writer that waits for its turn longer than the lock timeout gives up as a busy
        database would: a flood of writes behind a held lock fails fast, not one by one.
        `session_class`: a Session subclass, as the group commit's (store/group_commit.py)."""
        with self._turn_to_write(), session_class(**self._writer.kw) as session:
            yield session

    @contextmanager
    def _turn_to_write(self) -> Iterator[None]:
        if self._write_gate is None:
            yield
            return
        with self._write_gate.turn():
            yield

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        with self.writing_session() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.group_commit.close()
        self.engine.dispose()
