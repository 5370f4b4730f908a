"""Short reads for the hottest pages (`GET /v1/credentials/{id}`, `GET /c/{encoded_id}`): a
SQLAlchemy Core connection instead of an ORM session and, on SQLite, no thread hop.

A request's thread hop and ORM session cost more CPU than its statements. On a SQLite file the
read runs on a connection kept for the event loop's thread alone, in a read transaction: in WAL
mode a reader takes no lock a writer holds, and this connection waits for none (busy timeout 0).
Whatever that connection cannot do (a lock it would have to wait for, a database that went away)
is done again in a worker thread on a pooled connection, which waits and fails as every request
does. On PostgreSQL a read is network I/O, so it always runs in a worker thread.
"""

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from plaudit.store.db import READONLY, Database

T = TypeVar("T")


class LoopReads:
    """`await reads(function)`: `function(connection)` in a read transaction. It must only read
    (it may run twice). `close` when the app stops."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._inline = database.is_sqlite and _is_file(database)
        self._held: Connection | None = None
        # The held connection serves one caller at a time; a second event loop (tests run apps
        # in threads of their own) takes the pooled path meanwhile.
        self._lock = threading.Lock()

    async def __call__(self, function: Callable[[Connection], T]) -> T:
        if self._held is not None and self._lock.acquire(blocking=False):
            try:
                with self._held.begin():
                    return function(self._held)
            except SQLAlchemyError:
                self.close()
            finally:
                self._lock.release()
        result, fresh = await run_in_threadpool(self._through_pool, function)
        if fresh is not None:
            self._keep(fresh)
        return result

    def _through_pool(self, function: Callable[[Connection], T]) -> tuple[T, Connection | None]:
        """The read on a pooled connection in a worker thread; on SQLite then, once it worked,
        a connection for the reads that follow."""
        engine = self.database.engine
        with (
            engine.connect().execution_options(**{READONLY: True}) as connection,
            connection.begin(),
        ):
            result = function(connection)
        if not self._inline or self._held is not None:
            return result, None
        held = engine.connect().execution_options(**{READONLY: True})
        held.connection.driver_connection.execute("PRAGMA busy_timeout = 0")
        held.detach()  # closed for good at the end: it never waits for a lock, unlike the pool's
        return result, held

    def _keep(self, connection: Connection) -> None:
        with self._lock:
            if self._held is None:
                self._held = connection
                return
        connection.close()

    def close(self) -> None:
        """Closes the held connection (the next read opens another through the pool)."""
        held, self._held = self._held, None
        if held is not None:
            held.invalidate()


def _is_file(database: Database) -> bool:
    name = database.engine.url.database
    return bool(name) and name != ":memory:" and not str(name).startswith("file:")
