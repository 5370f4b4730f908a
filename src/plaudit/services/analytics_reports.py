"""Analytics counted for the dashboard: credentials issued, and what happened to them in public,
per day, week or month, and per achievement or department.

Every count is a GROUP BY in the database, never rows brought into Python: issued credentials
are counted from `credentials`, what happened to them from the events' day counts
(services/analytics_counts.py), a few thousand rows for a year of a large organization's
events.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from plaudit.domain.scope import Scope
from plaudit.services.analytics_counts import DAY_COUNTERS
from plaudit.store.reporting_tables import AnalyticsDay
from plaudit.store.tables import Achievement, Credential
from plaudit.store.time_buckets import Unit, bucket_start

ISSUED = "issued"
VIEWED = "viewed"
SHARED = "shared"
ADDED_TO_LINKEDIN = "added_to_linkedin"
VERIFIED = "verified"
MEASURES = {
    ISSUED: "Issued",
    VIEWED: "Viewed",
    SHARED: "Shared",
    ADDED_TO_LINKEDIN: "Added to LinkedIn",
    VERIFIED: "Verified",
}
# The day counts' columns, in this order (services/analytics_counts.py).
ENGAGEMENT = DAY_COUNTERS


@dataclass(frozen=True)
class ReportFilter:
    """Days `start` to `end` (UTC, both included), counted per `unit`, of one achievement
    and/or department when given."""

    start: date
    end: date
    unit: Unit
    achievement_id: int | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class Total:
    """One achievement's or department's counts over the whole period."""

    id: int
    name: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Totals:
    """Counts per achievement id and per department id; those with neither a credential issued
    nor an event in the period are left out."""

    by_achievement: dict[int, dict[str, int]]
    by_department: dict[int, dict[str, int]]

    def add(self, achievement_id: int, department_id: int, counts: dict[str, int]) -> None:
        for table, key in (
            (self.by_achievement, achievement_id),
            (self.by_department, department_id),
        ):
            into = table.setdefault(key, dict.fromkeys(MEASURES, 0))
            for measure, count in counts.items():
                into[measure] += int(count or 0)


@dataclass(frozen=True)
class Counts:
    """A period's counts: per bucket (the charts) and per achievement and department (the
    tables)."""

    issued: dict[date, int]
    engaged: dict[date, dict[str, int]]
    totals: Totals


def count(session: Session, scope: Scope, filters: ReportFilter) -> Counts:
    """Every count of the period: credentials by their issue date (`issued_on`), the events'
    day counts by when they happened; each grouped once by bucket and once by achievement (in
    SQL: per (bucket, achievement) would bring a year of days times achievements into Python).
    Departments are their achievements' (store/reporting_tables.py)."""
    dialect = _dialect(session)
    issued_in, days_in = _issued_in(scope, filters), _days_in(scope, filters)
    issued_bucket = bucket_start(dialect, filters.unit, Credential.issued_on)
    days_bucket = bucket_start(dialect, filters.unit, AnalyticsDay.day)
    found = Counts(
        issued=dict(
            session.execute(
                select(issued_bucket, func.count()).where(*issued_in).group_by(issued_bucket)
            ).all()
        ),
        engaged={
            start: dict(zip(ENGAGEMENT, sums, strict=True))
            for start, *sums in session.execute(
                select(days_bucket, *_day_sums()).where(*days_in).group_by(days_bucket)
            )
        },
        totals=Totals({}, {}),
    )
    department_of: dict[int, int] = {
        id_: department_id
        for id_, department_id in session.execute(
            select(Achievement.id, Achievement.department_id).where(
                Achievement.organization_id == scope.organization_id
            )
        )
    }
    per_achievement = Credential.achievement_id
    issued = select(per_achievement, func.count()).where(*issued_in).group_by(per_achievement)
    for achievement_id, times in session.execute(issued):
        found.totals.add(achievement_id, department_of[achievement_id], {ISSUED: times})
    per_achievement = AnalyticsDay.achievement_id
    engaged = select(per_achievement, *_day_sums()).where(*days_in).group_by(per_achievement)
    for achievement_id, *sums in session.execute(engaged):
        measures = dict(zip(ENGAGEMENT, sums, strict=True))
        found.totals.add(achievement_id, department_of[achievement_id], measures)
    return found


def ranked(counts: dict[int, dict[str, int]], names: dict[int, str]) -> list[Total]:
    """Named totals, most issued first (then most viewed, then by name)."""
    totals = [Total(id_, names.get(id_, f"#{id_}"), measures) for id_, measures in counts.items()]
    return sorted(
        totals,
        key=lambda total: (-total.counts[ISSUED], -total.counts[VIEWED], total.name, total.id),
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _credential_conditions(scope: Scope, filters: ReportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for department_id in (scope.department_id, filters.department_id):
        if department_id is not None:
            conditions.append(Credential.department_id == department_id)
    if filters.achievement_id is not None:
        conditions.append(Credential.achievement_id == filters.achievement_id)
    return conditions


def _issued_in(scope: Scope, filters: ReportFilter) -> list[ColumnElement[bool]]:
    return [
        Credential.organization_id == scope.organization_id,
        Credential.issued_on >= filters.start,
        Credential.issued_on <= filters.end,
        *_credential_conditions(scope, filters),
    ]


def _day_sums() -> list[ColumnElement[int]]:
    return [func.sum(AnalyticsDay.__table__.c[counter]) for counter in DAY_COUNTERS]


def _days_in(scope: Scope, filters: ReportFilter) -> list[ColumnElement[bool]]:
    """The scope's counted days of the period, of one achievement or department's."""
    conditions = [
        AnalyticsDay.organization_id == scope.organization_id,
        AnalyticsDay.day >= filters.start,
        AnalyticsDay.day <= filters.end,
    ]
    if filters.achievement_id is not None:
        conditions.append(AnalyticsDay.achievement_id == filters.achievement_id)
    departments = [d for d in (scope.department_id, filters.department_id) if d is not None]
    if departments:
        conditions.append(
            AnalyticsDay.achievement_id.in_(
                select(Achievement.id).where(
                    Achievement.organization_id == scope.organization_id,
                    *(Achievement.department_id == department for department in departments),
                )
            )
        )
    return conditions
