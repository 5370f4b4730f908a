"""The worker: claims one job at a time, runs it under a renewed lease, records the outcome.

It runs as a thread of each server process (`WorkerThread`, started by the app's lifespan) or as
the main loop of `plaudit worker`. Any number of workers may share one database.
"""

import logging
import os
import secrets
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plaudit.jobs import queue
from plaudit.jobs.handlers import default_registry
from plaudit.jobs.registry import JobContext, PeriodicContext, Registry
from plaudit.render import isolation
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import utcnow

logger = logging.getLogger("plaudit.jobs")


def new_worker_id() -> str:
    """Names the claimant in `jobs.locked_by`: host, process and a random suffix."""
    return f"{socket.gethostname()[:96]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Claimed:
    """What the worker keeps of a job it claimed, once the claiming session is closed."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


class Worker:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        registry: Registry | None = None,
        *,
        worker_id: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.settings = settings
        self.registry = registry or default_registry()
        self.worker_id = worker_id or new_worker_id()
        self.clock = clock
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        isolation.configure_from(settings)

    def run(self, stop: threading.Event) -> None:
        """Run jobs until `stop` is set; the job under way is finished first."""
        logger.info("jobs.worker_started", extra={"fields": {"worker": self.worker_id}})
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                # The database may be down or restarting: wait and try again.
                logger.exception("jobs.worker_error", extra={"fields": {"worker": self.worker_id}})
                busy = False
            if not busy:
                stop.wait(self.settings.job_poll_seconds)
        logger.info("jobs.worker_stopped", extra={"fields": {"worker": self.worker_id}})

    def run_once(self) -> bool:
        """Claim and run one job, else do the periodic work; False when there was nothing."""
        job = self._claim()
        if job is None:
            return self._run_periodic()
        if job.attempts > self.settings.job_max_attempts:
            # Every earlier attempt died with its worker (its lease ran out each time).
            self._give_up(job, "the worker running it stopped before it finished, every time")
            return True
        self._run(job)
        return True

    def _run_periodic(self) -> bool:
        """Every periodic task, each on its own: one that fails does not stop the others."""
        busy = False
        for task in self.registry.periodic:
            context = PeriodicContext(
                self.database, self.settings, self.worker_id, self.clock(), self.clock
            )
            try:
                busy = task(context) or busy
            except Exception:
                logger.exception(
                    "jobs.periodic_failed", extra={"fields": {"worker": self.worker_id}}
                )
        return busy

    def _claim(self) -> Claimed | None:
        now = self.clock()
        with self.database.session(readonly=True) as session:
            if not queue.has_work(session, now):
                return None
        with self.database.transaction() as session:
            job = queue.claim(session, self.worker_id, now=now, lease=self.lease)
            if job is None:
                return None
            return Claimed(job.id, job.kind, dict(job.payload), job.attempts)

    def _run(self, job: Claimed) -> None:
        fields = {"job": job.id, "kind": job.kind, "attempt": job.attempts}
        handler = self.registry.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            context = JobContext(self.database, self.settings, job.id, job.attempts, job.payload)
            with self._lease_renewed(job):
                handler.run(context)
        except Exception as error:
            logger.exception("jobs.job_failed", extra={"fields": fields})
            self._after_failure(job, f"{type(error).__name__}: {error}")
            return
        with self.database.transaction() as session:
            kept = queue.finish(session, job.id, self.worker_id, now=self.clock())
        logger.info("jobs.job_done" if kept else "jobs.lease_lost", extra={"fields": fields})

    def _after_failure(self, job: Claimed, error: str) -> None:
        if job.attempts >= self.settings.job_max_attempts:
            self._give_up(job, error)
            return
        delay = queue.retry_delay(job.attempts, self.settings.job_retry_seconds)
        with self.database.transaction() as session:
            queue.retry(
                session, job.id, self.worker_id, run_after=self.clock() + delay, error=error
            )

    def _give_up(self, job: Claimed, error: str) -> None:
        handler = self.registry.get(job.kind)
        with self.database.transaction() as session:
            given_up = queue.give_up(session, job.id, self.worker_id, now=self.clock(), error=error)
            if given_up and handler is not None and handler.on_give_up is not None:
                try:
                    with session.begin_nested():
                        handler.on_give_up(session, job.payload)
                except Exception:
                    # The job is recorded as failed all the same, or it would come back forever.
                    logger.exception("jobs.give_up_hook_failed", extra={"fields": {"job": job.id}})
        logger.warning(
            "jobs.job_given_up", extra={"fields": {"job": job.id, "kind": job.kind, "error": error}}
        )

    @contextmanager
    def _lease_renewed(self, job: Claimed) -> Iterator[None]:
        """Keeps the job's lease fresh from a side thread while the handler runs, so that only
        a worker that stopped renewing (it died) loses its job."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(self.lease.total_seconds() / 3):
                try:
                    with self.database.transaction() as session:
                        until = self.clock() + self.lease
                        if not queue.renew(session, job.id, self.worker_id, until=until):
                            return
                except Exception:
                    logger.exception("jobs.lease_renewal_failed", extra={"fields": {"job": job.id}})

        renewer = threading.Thread(target=renew, name=f"plaudit-lease-{job.id}", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join()


class WorkerThread:
    """A worker in a daemon thread of the server process (the in-process default).

    `stop` lets the job under way finish for up to `timeout` seconds; a job still running then
    is abandoned with the process, and its lease lets another worker run it again.
    """

    def __init__(self, worker: Worker) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=worker.run, args=(self._stop,), name="plaudit-worker", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()


def run_until_signalled(worker: Worker) -> None:
    """Run in the main thread until SIGTERM or SIGINT; the job under way is finished first."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop_soon(stop))
    worker.run(stop)


def stop_soon(stop: threading.Event) -> None:
    """Sets `stop` for a signal handler, from another thread: the handler runs in the main
    thread, which may be inside `stop.wait()` holding the Event's lock, and `Event.set` takes
    that lock again (not reentrant): set there, the worker would hang for ever on SIGTERM."""
    threading.Thread(target=stop.set, name="plaudit-worker-stop", daemon=True).start()
