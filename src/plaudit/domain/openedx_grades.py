"""A learner's course run grade as the Open edX LMS reports it (`/api/v2/grades/`)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal


@dataclass(frozen=True)
class GradeReport:
    username: str
    course_run_key: str
    letter_grade: str
    percent_grade: Decimal
    verified: bool
    # When the LMS computed the grade; older LMS releases do not send it.
    lms_last_updated_at: datetime | None


def is_stale(reported_at: datetime | None, recorded_at: datetime | None) -> bool:
    """Reports can arrive out of order (the LMS sends them from retried tasks): one computed
    before the recorded grade must not overwrite it. A report without a date cannot be placed,
    so it is applied, as upstream applies every report."""
    if reported_at is None or recorded_at is None:
        return False
    return _utc(reported_at) < _utc(recorded_at)


def _utc(moment: datetime) -> datetime:
    """Naive means UTC (SQLite gives stored instants back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
