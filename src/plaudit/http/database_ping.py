"""Whether the database answers, as cheaply as a health check asked thousands of times a second
can afford: `SELECT 1`, with no ORM session.

On SQLite the ping runs on a pooled connection this check keeps for itself, used only by the
event loop's thread: `SELECT 1` there reads no page and takes no lock, so it cannot block the
loop, and it costs no thread hop. The first check, and every check after such a ping fails,
goes through the pool in a worker thread, as a request would, and so raises exactly the errors a
request would meet. On PostgreSQL a ping is network I/O, so it always runs in a worker thread.
"""

import sqlite3

from sqlalchemy import PoolProxiedConnection
from starlette.concurrency import run_in_threadpool

from plaudit.store.db import READONLY, Database


class DatabasePing:
    """Raises what the database raises (SQLAlchemyError, DatabaseUnavailable) when it cannot
    answer `SELECT 1`; returns when it can. `close` when the app stops."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._held: PoolProxiedConnection | None = None

    async def __call__(self) -> None:
        if self._held is not None:
            try:
                self._held.driver_connection.execute("SELECT 1").fetchone()
                return
            except sqlite3.Error:
                self.close()
        fresh = await run_in_threadpool(self._through_pool)
        if fresh is not None and self._held is None:
            self._held = fresh
        elif fresh is not None:
            fresh.close()

    def _through_pool(self) -> PoolProxiedConnection | None:
        """The ping as a read (on SQLite a deferred transaction, which takes no lock), in a
        worker thread; on SQLite, then a connection for the pings that follow."""
        engine = self.database.engine
        with engine.connect().execution_options(**{READONLY: True}) as connection:
            connection.exec_driver_sql("SELECT 1")
        return engine.raw_connection() if self.database.is_sqlite else None

    def close(self) -> None:
        """Hands the kept connection back, closed."""
        held, self._held = self._held, None
        if held is not None:
            held.invalidate()
