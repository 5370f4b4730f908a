"""Group commit: the concurrent creates of one process written in one transaction, committed once.

A create used to take the write lock, write, commit and let go, one request at a time; with
SQLite every process's writers queue on one lock (store/write_gate.py), so each create paid a
whole lock hold and commit of its own. Here a writer thread of the process (a few on
PostgreSQL) takes every write queued meanwhile (up to `MAX_BATCH`), runs each in a SAVEPOINT
of one transaction, commits once and only then answers every caller: one lock hold and one
commit per batch. A lone write starts at once (no waiting for company); a batch forms from
the writes that queued while the previous one ran.

Each caller gets what it would have got had the writes come one after another: its function's
result once the batch is committed, or the exception its function raised (its savepoint rolled
back, the others kept).
When the batch itself cannot be written (the write lock not granted in time, a full disk, a
server gone, an outage raised inside any function) every caller of the batch gets that outage,
which is answered 503 as before: an answer other than an outage means its batch committed.

Functions run one after another in the writer thread, in one session (`BatchSession`), and must
not commit or roll back themselves: the batch does.
"""

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy.orm import Session

from plaudit.store.outage import DatabaseUnavailable, database_outage

if TYPE_CHECKING:
    from plaudit.store.db import Database

T = TypeVar("T")
MAX_BATCH = 64  # bounds a batch's lock hold (and the answers waiting on its commit)


class BatchSession(Session):
    """The session of one batch: the group commit alone ends its transaction."""

    def commit(self) -> None:
        raise RuntimeError("a grouped write must not commit: its batch commits (group_commit)")

    def rollback(self) -> None:
        raise RuntimeError("a grouped write must not roll back: raise, and its savepoint is")

    def commit_batch(self) -> None:
        super().commit()


@dataclass(slots=True)
class _Write:
    function: Callable[[Session], Any]
    loop: asyncio.AbstractEventLoop
    future: "asyncio.Future[Any]"
    result: Any = None
    error: BaseException | None = None


class GroupCommit:
    """This process's grouped writers for one database; their threads start on first use.

    `writers` threads take batches from one queue: one for SQLite (its writers take turns
    anyway), a few for PostgreSQL, where batches of different connections write side by side
    and one thread would make every create of the process wait for each round trip in turn."""

    def __init__(self, database: "Database", *, writers: int, max_batch: int = MAX_BATCH) -> None:
        self._database = database
        self._writers = writers
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Write | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._starting = threading.Lock()

    async def __call__(self, function: Callable[[Session], T]) -> T:
        """`function(session)`'s result once it is committed, or the exception it raised."""
        loop = asyncio.get_running_loop()
        write = _Write(function, loop, loop.create_future())
        with self._starting:
            if len(self._threads) < self._writers or not all(
                thread.is_alive() for thread in self._threads
            ):
                self._start()
            self._queue.put(write)
        return cast(T, await write.future)

    def close(self) -> None:
        """Stops the threads once the writes queued so far are done (a later write starts
        them again)."""
        with self._starting:
            threads, self._threads = self._threads, []
            for _thread in threads:
                self._queue.put(None)  # each stops one thread
        for thread in threads:
            thread.join()

    def _start(self) -> None:
        self._threads = [thread for thread in self._threads if thread.is_alive()]
        while len(self._threads) < self._writers:
            thread = threading.Thread(target=self._serve, name="plaudit-group-commit", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    write = self._queue.get_nowait()
                except queue.Empty:
                    break
                if write is None:
                    stop = True
                    break
                batch.append(write)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Write]) -> None:
        try:
            with self._database.writing_session(BatchSession) as session:
                batch_session = cast(BatchSession, session)
                if len(batch) == 1:
                    _run_alone(batch_session, batch[0])
                else:
                    for write in batch:
                        _run_in_savepoint(batch_session, write)
                if any(write.error is None for write in batch):
                    batch_session.commit_batch()
        except BaseException as failure:  # the batch is not written: every caller learns why
            for write in batch:
                write.error = _own_copy(failure)
            if not isinstance(failure, Exception):
                raise
        finally:
            _answer(batch)


def _run_alone(session: BatchSession, write: _Write) -> None:
    """A batch of one needs no savepoint: if it fails, nothing is committed."""
    try:
        write.result = write.function(session)
    except Exception as error:
        write.error = error


def _run_in_savepoint(session: BatchSession, write: _Write) -> None:
    """Runs one write in its savepoint; an outage fails the whole batch (raised)."""
    try:
        with session.begin_nested():
            write.result = write.function(session)
    except Exception as error:
        if database_outage(error) is not None:
            raise
        write.result, write.error = None, error


def _own_copy(failure: BaseException) -> BaseException:
    """Each caller raises an exception of its own (a shared one would gather every caller's
    traceback); an outage stays an outage."""
    outage = database_outage(failure)
    if outage is None:
        return failure
    return DatabaseUnavailable(outage.reason, outage.detail)


def _answer(batch: list[_Write]) -> None:
    by_loop: dict[asyncio.AbstractEventLoop, list[_Write]] = {}
    for write in batch:
        by_loop.setdefault(write.loop, []).append(write)
    for loop, writes in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for these
            loop.call_soon_threadsafe(_settle, writes)


def _settle(writes: list[_Write]) -> None:
    for write in writes:
        if write.future.done():  # the caller was cancelled
            continue
        if write.error is not None:
            write.future.set_exception(write.error)
        else:
            write.future.set_result(write.result)
