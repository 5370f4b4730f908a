"""Enqueueing: a job is a row added to the caller's session, so it is committed (or rolled back)
together with the change that caused it. Nothing is lost on a crash, and nothing runs for a
change that was never committed."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from plaudit.store.jobs_tables import PENDING, Job
from plaudit.store.tables import utcnow


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    organization_id: int | None = None,
    run_after: datetime | None = None,
) -> Job:
    """Add a job to the session; the caller's commit makes it visible to workers."""
    job = Job(
        kind=kind,
        payload=payload,
        organization_id=organization_id,
        state=PENDING,
        attempts=0,
        run_after=run_after or utcnow(),
    )
    session.add(job)
    return job
