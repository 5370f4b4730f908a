"""One SQLite writer at a time across the server's processes, queued on real locks.

SQLite lets one connection write at a time, and a connection that finds the write lock taken
waits in its busy handler, which sleeps in growing steps (up to 100 ms): a queued writer wakes
late and out of order, so with two worker processes creates got slower than with one. Writers
instead queue first on a thread lock (one waiter per process) and then on an exclusive `flock`
of a lock file beside the database, which the kernel grants the moment its holder lets go and
drops when a holder dies (a kill -9 leaves nothing to clean up). SQLite's own lock is then
always free when the writing transaction begins.

`flock` cannot wait with a time limit, so a contended wait blocks in a helper thread, on a
descriptor of its own, while the writer waits for it with the lock timeout; a writer that gives
up leaves the helper to release the lock as soon as it gets it.
"""

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plaudit.store import files
from plaudit.store.outage import DatabaseUnavailable


class WriteGate:
    """Writers of this process queue on a thread lock, then on the lock file (when given)."""

    def __init__(self, lock_file: Path | None, timeout_seconds: float) -> None:
        self._lock_file = lock_file
        self._timeout_seconds = timeout_seconds
        self._turn = threading.Lock()
        if lock_file is not None:
            files.private_file(lock_file)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Held while writing; DatabaseUnavailable("busy") after waiting the lock timeout."""
        deadline = time.monotonic() + self._timeout_seconds
        if not self._turn.acquire(timeout=self._timeout_seconds):
            raise DatabaseUnavailable("busy", "waited too long for this process's other writers")
        try:
            if self._lock_file is None:
                yield
                return
            descriptor = _exclusive(self._lock_file, max(0.0, deadline - time.monotonic()))
            try:
                yield
            finally:
                os.close(descriptor)  # closing the only descriptor releases its flock
        finally:
            self._turn.release()


def _exclusive(lock_file: Path, timeout_seconds: float) -> int:
    """A descriptor of `lock_file` holding its exclusive flock, or DatabaseUnavailable.

    Each holder opens its own descriptor: flock belongs to an open file description, so two
    descriptions exclude each other even within one process (and a forked child shares none).
    """
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CLOEXEC)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return descriptor
    except BlockingIOError:
        pass
    except BaseException:
        os.close(descriptor)
        raise
    if timeout_seconds <= 0:
        os.close(descriptor)
        raise DatabaseUnavailable("busy", "waited too long for another process's writer")
    waiter = _Waiter(descriptor)
    if waiter.wait(timeout_seconds):
        return descriptor
    raise DatabaseUnavailable("busy", "waited too long for another process's writer")


class _Waiter:
    """A blocking flock taken in a helper thread, so the writer can stop waiting for it."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor
        self._settled = threading.Lock()
        self._granted = threading.Event()
        self._abandoned = False
        self._error: OSError | None = None
        threading.Thread(target=self._take, name="plaudit-write-lock", daemon=True).start()

    def _take(self) -> None:
        try:
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
        except OSError as error:
            self._error = error
        with self._settled:
            if self._abandoned:
                os.close(self._descriptor)  # releases the lock the writer no longer wants
                return
            self._granted.set()

    def wait(self, timeout_seconds: float) -> bool:
        """True when the lock is held; False (the descriptor left to the helper) after the
        timeout. An error taking the lock is raised here."""
        self._granted.wait(timeout_seconds)
        with self._settled:
            if not self._granted.is_set():
                self._abandoned = True
                return False
        if self._error is not None:
            os.close(self._descriptor)
            raise self._error
        return True
