"""The outbox and the worker: enqueue with the change, claim, lease, retry, give up."""

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plaudit.jobs import outbox, queue
from plaudit.jobs.registry import JobContext, JobHandler, Registry
from plaudit.jobs.worker import Worker, WorkerThread
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.jobs_tables import DONE, FAILED, PENDING, RUNNING, Job
from plaudit.store.tables import Organization, utcnow
from tests.support.jobs import job_of

KIND = "test.record"


class Clock:
    """A clock the test moves by hand, starting a little after the real now."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def registry_for(
    run: Callable[[JobContext], None], on_give_up: Callable[..., None] | None = None
) -> Registry:
    registry = Registry()
    registry.register(KIND, JobHandler(run, on_give_up))
    return registry


def enqueue(database: Database, **payload: Any) -> dict[str, Any]:
    payload = {"tag": uuid.uuid4().hex, **payload}
    with database.transaction() as session:
        outbox.enqueue(session, KIND, payload)
    return payload


def reload(database: Database, payload: dict[str, Any]) -> Job:
    return job_of(database, KIND, payload)


def make_worker(
    database: Database, settings: Settings, registry: Registry, clock: Clock, **changes: Any
) -> Worker:
    return Worker(database, settings.model_copy(update=changes), registry, clock=clock)


def test_a_job_is_committed_or_rolled_back_with_the_change(database: Database) -> None:
    payload = {"tag": uuid.uuid4().hex}
    with database.writing_session() as session:
        session.add(Organization(name="Rolled back"))
        outbox.enqueue(session, KIND, payload)
        session.rollback()
    with pytest.raises(StopIteration):
        reload(database, payload)
    with database.transaction() as session:
        session.add(Organization(name="Committed"))
        outbox.enqueue(session, KIND, payload)
    assert reload(database, payload).state == PENDING


def test_a_job_runs_once_and_its_outcome_is_recorded(
    database: Database, settings: Settings
) -> None:
    seen: list[dict[str, Any]] = []
    clock = Clock()
    worker = make_worker(database, settings, registry_for(lambda c: seen.append(c.payload)), clock)
    payload = enqueue(database)
    assert worker.run_once()
    assert not worker.run_once()
    assert seen == [payload]
    job = reload(database, payload)
    assert (job.state, job.attempts, job.locked_until, job.last_error) == (DONE, 1, None, None)
    assert job.locked_by == worker.worker_id
    assert job.finished_at is not None


def test_failures_are_retried_with_doubling_waits_then_given_up(
    database: Database, settings: Settings
) -> None:
    given_up: list[dict[str, Any]] = []

    def fail(context: JobContext) -> None:
        raise RuntimeError(f"attempt {context.attempt} failed")

    clock = Clock()
    registry = registry_for(fail, lambda session, payload: given_up.append(payload))
    worker = make_worker(
        database, settings, registry, clock, job_max_attempts=3, job_retry_seconds=10
    )
    payload = enqueue(database)

    assert worker.run_once()
    job = reload(database, payload)
    assert (job.state, job.attempts, job.last_error) == (
        PENDING,
        1,
        "RuntimeError: attempt 1 failed",
    )
    assert abs(_aware(job.run_after) - (clock.now + timedelta(seconds=10))) < timedelta(seconds=1)
    assert not worker.run_once()  # not due yet
    clock.advance(10)
    assert worker.run_once()
    job = reload(database, payload)
    assert (job.state, job.attempts) == (PENDING, 2)
    assert abs(_aware(job.run_after) - (clock.now + timedelta(seconds=20))) < timedelta(seconds=1)
    clock.advance(20)
    assert worker.run_once()
    job = reload(database, payload)
    assert (job.state, job.attempts, job.last_error) == (
        FAILED,
        3,
        "RuntimeError: attempt 3 failed",
    )
    assert job.finished_at is not None
    assert given_up == [payload]
    clock.advance(3600)
    assert not worker.run_once()


def test_a_job_that_fails_once_then_succeeds_is_done(
    database: Database, settings: Settings
) -> None:
    def flaky(context: JobContext) -> None:
        if context.attempt == 1:
            raise RuntimeError("flaky")

    clock = Clock()
    worker = make_worker(database, settings, registry_for(flaky), clock, job_retry_seconds=5)
    payload = enqueue(database)
    assert worker.run_once()
    clock.advance(5)
    assert worker.run_once()
    job = reload(database, payload)
    assert (job.state, job.attempts, job.last_error) == (DONE, 2, None)


def test_a_job_of_an_unknown_kind_fails_like_any_other(
    database: Database, settings: Settings
) -> None:
    worker = make_worker(database, settings, Registry(), Clock(), job_max_attempts=1)
    payload = enqueue(database)
    assert worker.run_once()
    job = reload(database, payload)
    assert job.state == FAILED
    assert job.last_error == "LookupError: no handler for job kind 'test.record'"


def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(
    database: Database, settings: Settings
) -> None:
    seen: list[int] = []
    clock = Clock()
    worker = make_worker(
        database,
        settings,
        registry_for(lambda c: seen.append(c.attempt)),
        clock,
        job_lease_seconds=60,
    )
    payload = enqueue(database)
    with database.transaction() as session:  # a worker claims it, then dies
        claimed = queue.claim(session, "dead-worker", now=clock(), lease=timedelta(seconds=60))
        assert claimed is not None and claimed.payload == payload

    clock.advance(59)
    assert not worker.run_once()
    assert reload(database, payload).state == RUNNING
    clock.advance(2)
    assert worker.run_once()
    assert seen == [2]
    job = reload(database, payload)
    assert (job.state, job.attempts, job.locked_by) == (DONE, 2, worker.worker_id)
    with database.transaction() as session:  # the dead worker cannot settle it any more
        assert not queue.finish(session, job.id, "dead-worker", now=clock())


def test_a_job_whose_workers_keep_dying_is_given_up_without_another_run(
    database: Database, settings: Settings
) -> None:
    seen: list[int] = []
    given_up: list[dict[str, Any]] = []
    clock = Clock()
    registry = registry_for(lambda c: seen.append(c.attempt), lambda s, p: given_up.append(p))
    worker = make_worker(
        database, settings, registry, clock, job_lease_seconds=10, job_max_attempts=2
    )
    payload = enqueue(database)
    for _ in range(2):
        with database.transaction() as session:
            assert queue.claim(session, "dying", now=clock(), lease=timedelta(seconds=10))
        clock.advance(11)
    assert worker.run_once()
    assert seen == []
    assert given_up == [payload]
    job = reload(database, payload)
    assert (job.state, job.attempts) == (FAILED, 3)
    assert "stopped before it finished" in (job.last_error or "")


def test_a_running_job_keeps_its_lease(database: Database, settings: Settings) -> None:
    """Renewal: a job running for several lease periods is not claimed by anyone else."""
    stolen: list[Job | None] = []

    def slow(context: JobContext) -> None:
        time.sleep(1.2)
        with context.database.transaction() as session:
            stolen.append(queue.claim(session, "thief", now=utcnow(), lease=timedelta(seconds=1)))

    worker = Worker(
        database, settings.model_copy(update={"job_lease_seconds": 0.3}), registry_for(slow)
    )
    payload = enqueue(database)
    assert worker.run_once()
    assert stolen == [None]
    assert reload(database, payload).state == DONE


def test_retry_delay_doubles_up_to_an_hour() -> None:
    assert [queue.retry_delay(n, 10).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert queue.retry_delay(500, 10) == timedelta(hours=1)


def test_a_worker_outlives_a_database_that_is_down(settings: Settings) -> None:
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    thread = WorkerThread(
        Worker(unreachable, settings.model_copy(update={"job_poll_seconds": 0.05}))
    )
    thread.start()
    time.sleep(0.3)
    assert thread.is_alive()
    thread.stop()
    assert not thread.is_alive()


def test_worker_thread_stops_when_asked(database: Database, settings: Settings) -> None:
    thread = WorkerThread(Worker(database, settings))
    thread.start()
    started = time.monotonic()
    thread.stop()
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert "plaudit-worker" not in [t.name for t in threading.enumerate()]


def _aware(moment: datetime) -> datetime:
    """SQLite hands times back without their zone (UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
