"""Concurrent workers: no job runs twice, and on PostgreSQL workers skip each other's rows."""

import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from plaudit.jobs import outbox, queue
from plaudit.jobs.registry import JobContext, JobHandler, Registry
from plaudit.jobs.worker import Worker
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import utcnow

KIND = "test.concurrent"
JOBS = 40


def test_a_claim_skips_rows_another_worker_has_locked(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has one writer at a time: there is no row lock to skip")
    tag = uuid.uuid4().hex
    with database.transaction() as session:
        for number in range(2):
            outbox.enqueue(session, KIND, {"tag": tag, "n": number})
    lease = timedelta(seconds=60)
    with database.session() as first, database.session() as second:
        mine = queue.claim(first, "first", now=utcnow(), lease=lease)  # row lock held open
        # Without SKIP LOCKED the second claim would wait for the first transaction, and fail.
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        theirs = queue.claim(second, "second", now=utcnow(), lease=lease)
        assert mine is not None and theirs is not None
        assert {mine.payload["n"], theirs.payload["n"]} == {0, 1}
        first.commit()
        second.commit()


def test_concurrent_workers_never_run_a_job_twice(
    database: Database, database_url: str, settings: Settings
) -> None:
    tag = uuid.uuid4().hex
    runs: list[tuple[int, str]] = []
    lock = threading.Lock()

    def recorder(name: str) -> JobHandler:
        def record(context: JobContext) -> None:
            time.sleep(0.01)
            with lock:
                runs.append((context.payload["n"], name))

        return JobHandler(record)

    with database.transaction() as session:
        for number in range(JOBS):
            outbox.enqueue(session, KIND, {"tag": tag, "n": number})

    def work(name: str) -> None:
        # A database of its own per worker: separate connections and, on SQLite, no shared
        # in-process write queue, as with separate processes.
        own = Database(database_url)
        registry = Registry()
        registry.register(KIND, recorder(name))
        worker = Worker(own, settings, registry, worker_id=name)
        start.wait()
        while worker.run_once():
            pass
        own.dispose()

    start = threading.Event()
    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)

    counts = Counter(number for number, _ in runs)
    assert sorted(counts) == list(range(JOBS))
    assert set(counts.values()) == {1}
    assert {name for _, name in runs} == {"worker-0", "worker-1"}
