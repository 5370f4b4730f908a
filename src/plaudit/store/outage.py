"""Which database errors mean "the database cannot serve this now, try again" rather than a
bug: a lock not granted in time, a full disk, a server that is down. Clients get a 503 with
Retry-After for those, and operators one warning per incident instead of one per request."""

import logging
import sqlite3
import threading
import time
from collections import Counter
from typing import Literal

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

logger = logging.getLogger("plaudit.store")

Reason = Literal["busy", "full", "unreachable"]
# How long a client should wait: a lock frees soon; a full disk or a server down needs a person.
RETRY_AFTER_SECONDS: dict[Reason, int] = {"busy": 5, "full": 60, "unreachable": 15}
LOG_INTERVAL_SECONDS = 60.0

# SQLite primary result codes (the low byte of extended ones).
_SQLITE_REASONS: dict[int, Reason] = {
    5: "busy",  # SQLITE_BUSY: another connection holds the write lock past the busy timeout
    6: "busy",  # SQLITE_LOCKED
    10: "unreachable",  # SQLITE_IOERR
    13: "full",  # SQLITE_FULL
    14: "unreachable",  # SQLITE_CANTOPEN
}
# PostgreSQL SQLSTATEs, exact or by class (first two characters).
_POSTGRES_REASONS: dict[str, Reason] = {
    "55P03": "busy",  # lock_not_available: lock_timeout passed
    "57014": "busy",  # query_canceled: statement_timeout passed
    "40001": "busy",  # serialization_failure
    "40P01": "busy",  # deadlock_detected
    "53100": "full",  # disk_full
    "53": "busy",  # insufficient resources: too many connections, out of memory
    "08": "unreachable",  # connection exceptions
    "57P01": "unreachable",  # admin_shutdown
    "57P02": "unreachable",  # crash_shutdown
    "57P03": "unreachable",  # cannot_connect_now: starting up or shutting down
}


class DatabaseUnavailable(Exception):
    """The database cannot serve the request now; the same request may succeed later."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"database unavailable ({reason})")
        self.reason = reason
        self.detail = detail

    @property
    def retry_after(self) -> int:
        return RETRY_AFTER_SECONDS[self.reason]


def database_outage(error: BaseException) -> DatabaseUnavailable | None:
    """The outage that an error reports, or None for any other error (those stay 500s)."""
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, PoolTimeout):
        return DatabaseUnavailable("busy", "no pooled connection came free in time")
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    detail = _first_line(original)
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        reason = _SQLITE_REASONS.get(code & 0xFF) if isinstance(code, int) else None
        return DatabaseUnavailable(reason, detail) if reason else None
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str):
        reason = _POSTGRES_REASONS.get(sqlstate) or _POSTGRES_REASONS.get(sqlstate[:2])
        return DatabaseUnavailable(reason, detail) if reason else None
    # No SQLSTATE: the driver never reached a server (refused, unreachable, connection lost).
    if error.connection_invalidated or isinstance(error, OperationalError):
        return DatabaseUnavailable("unreachable", detail)
    return None


def _first_line(original: BaseException | None) -> str:
    """The driver's message without the statement or its parameters (they may hold data)."""
    return str(original).strip().splitlines()[0][:200] if original is not None else ""


class OutageLog:
    """One warning per kind of outage and interval, saying how many more were not logged."""

    def __init__(self, interval_seconds: float = LOG_INTERVAL_SECONDS) -> None:
        self._interval = interval_seconds
        self._last: dict[Reason, float] = {}
        self._suppressed: Counter[Reason] = Counter()
        self._lock = threading.Lock()

    def report(self, outage: DatabaseUnavailable) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(outage.reason)
            if last is not None and now - last < self._interval:
                self._suppressed[outage.reason] += 1
                return
            self._last[outage.reason] = now
            suppressed = self._suppressed.pop(outage.reason, 0)
        fields = {"reason": outage.reason, "detail": outage.detail, "not_logged": suppressed}
        logger.warning("store.unavailable", extra={"fields": fields})
