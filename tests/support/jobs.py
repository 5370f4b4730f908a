"""Workers for tests: in a thread of the test process, or as `plaudit worker` subprocesses."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from plaudit.jobs.worker import Worker, WorkerThread
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.jobs_tables import Job

ROOT = Path(__file__).resolve().parents[2]
PLAUDIT = Path(sys.executable).with_name("plaudit")


def drain(database: Database, settings: Settings) -> None:
    """Run every job that is due, so that no test leaves work behind for the next one."""
    worker = Worker(database, settings)
    while worker.run_once():
        pass


@contextmanager
def running_worker(database: Database, settings: Settings) -> Iterator[Worker]:
    """A worker thread that polls often; every due job has run when the block ends."""
    worker = Worker(database, settings.model_copy(update={"job_poll_seconds": 0.05}))
    thread = WorkerThread(worker)
    thread.start()
    try:
        yield worker
    finally:
        thread.stop()
        drain(database, settings)


def job_of(database: Database, kind: str, payload: dict) -> Job:
    with database.session() as session:
        jobs = session.scalars(select(Job).where(Job.kind == kind)).all()
        return next(job for job in jobs if job.payload == payload)


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def worker_process(
    database_url: str, data_dir: Path, *command: str, **env: str
) -> subprocess.Popen[bytes]:
    """A worker process against the test database, with short leases and polls: `command` is
    what to run (`plaudit worker` unless given). Its output goes to `worker.log` there."""
    environment = {
        **os.environ,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(data_dir),
        "PLAUDIT_JOB_LEASE_SECONDS": "2",
        "PLAUDIT_JOB_POLL_SECONDS": "0.1",
        "PLAUDIT_LOG_LEVEL": "warning",
        **env,
    }
    with (data_dir / "worker.log").open("ab") as log:
        return subprocess.Popen(
            list(command) or [str(PLAUDIT), "worker"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
