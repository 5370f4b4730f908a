"""Claiming and settling jobs.

A claim is one statement, `UPDATE jobs ... WHERE id = (SELECT ... LIMIT 1 FOR UPDATE SKIP
LOCKED) RETURNING ...`: on PostgreSQL concurrent workers skip each other's locked rows instead of
queueing behind them; SQLite drops the locking clause and the statement stays atomic because
SQLite runs one writer at a time. The subquery is a scalar one on purpose: PostgreSQL runs it
once, whereas `id IN (subquery)` may run it again and claim more than one job.

Every later change to a claimed job is conditional on the claimant still holding it, so a worker
whose lease ran out (and whose job someone else took over) cannot overwrite the newer outcome.
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.orm import Session

from plaudit.store.jobs_tables import DONE, FAILED, PENDING, RUNNING, Job

MAX_RETRY_DELAY = timedelta(hours=1)
MAX_ERROR_LENGTH = 4000


def _available(now: datetime) -> ColumnElement[bool]:
    """Due pending jobs, and running jobs whose lease has run out (their worker died)."""
    return or_(
        and_(Job.state == PENDING, Job.run_after <= now),
        and_(Job.state == RUNNING, Job.locked_until <= now),
    )


def has_work(session: Session, now: datetime) -> bool:
    """A cheap read that spares idle workers a writing transaction on every poll."""
    return bool(session.scalar(select(exists().where(_available(now)))))


def claim(session: Session, worker_id: str, *, now: datetime, lease: timedelta) -> Job | None:
    """Take the oldest available job, counting the attempt; None when there is none."""
    candidate = (
        select(Job.id)
        .where(_available(now))
        .order_by(Job.run_after, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(Job)
        .where(Job.id == candidate.scalar_subquery(), _available(now))
        .values(
            state=RUNNING,
            locked_by=worker_id,
            locked_until=now + lease,
            attempts=Job.attempts + 1,
        )
        .returning(Job)
        .execution_options(synchronize_session=False)
    )
    return session.scalars(statement).one_or_none()


def renew(session: Session, job_id: int, worker_id: str, *, until: datetime) -> bool:
    """Extend a running job's lease; False when the worker no longer holds it."""
    return _settle(session, job_id, worker_id, locked_until=until)


def finish(session: Session, job_id: int, worker_id: str, *, now: datetime) -> bool:
    return _settle(
        session, job_id, worker_id, state=DONE, finished_at=now, locked_until=None, last_error=None
    )


def retry(
    session: Session, job_id: int, worker_id: str, *, run_after: datetime, error: str
) -> bool:
    return _settle(
        session,
        job_id,
        worker_id,
        state=PENDING,
        run_after=run_after,
        locked_until=None,
        last_error=error[:MAX_ERROR_LENGTH],
    )


def give_up(session: Session, job_id: int, worker_id: str, *, now: datetime, error: str) -> bool:
    return _settle(
        session,
        job_id,
        worker_id,
        state=FAILED,
        finished_at=now,
        locked_until=None,
        last_error=error[:MAX_ERROR_LENGTH],
    )


def retry_delay(attempts: int, base_seconds: float) -> timedelta:
    """Doubling waits: base, 2 x base, 4 x base... never more than an hour."""
    seconds = base_seconds * 2 ** min(attempts - 1, 32)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def _settle(session: Session, job_id: int, worker_id: str, **values: object) -> bool:
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.state == RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
