"""Analytics counted for the dashboard: credentials issued, and what happened to them in public,
per day, week or month, and per achievement or department.

Every count is a GROUP BY in the database (one query per chart), so that a year of a large
organization's events costs one scan of an index range, never rows brought into Python.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from plaudit.domain import analytics as kinds
from plaudit.domain.scope import Scope
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential
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
ENGAGEMENT = (VIEWED, SHARED, ADDED_TO_LINKEDIN, VERIFIED)
# The channel web/credential_links.py records for "Add to LinkedIn profile".
LINKEDIN_PROFILE = "linkedin_profile"


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


def issued_over_time(session: Session, scope: Scope, filters: ReportFilter) -> dict[date, int]:
    """Credentials issued per bucket, by their issue date (`issued_on`)."""
    bucket = bucket_start(_dialect(session), filters.unit, Credential.issued_on)
    query = select(bucket, func.count()).where(*_issued_in(scope, filters)).group_by(bucket)
    return {start: count for start, count in session.execute(query)}


def engagement_over_time(
    session: Session, scope: Scope, filters: ReportFilter
) -> dict[date, dict[str, int]]:
    """Views, shares, LinkedIn additions and verifications per bucket, by when they happened."""
    bucket = bucket_start(_dialect(session), filters.unit, AnalyticsEvent.created_at)
    query = _events(select(bucket, *_event_counts()), scope, filters).group_by(bucket)
    return {row[0]: dict(zip(ENGAGEMENT, row[1:], strict=True)) for row in session.execute(query)}


def totals(session: Session, scope: Scope, filters: ReportFilter) -> Totals:
    """Each achievement's and department's counts over the period: two queries, each grouped by
    (achievement, department), whatever the number of events."""
    found = Totals({}, {})
    pair = (Credential.achievement_id, Credential.department_id)
    issued = select(*pair, func.count()).where(*_issued_in(scope, filters)).group_by(*pair)
    for achievement_id, department_id, count in session.execute(issued):
        found.add(achievement_id, department_id, {ISSUED: count})
    # Events counted per credential first, then joined to their credentials: one look-up per
    # credential, not one per event.
    per_credential = (
        _events(select(AnalyticsEvent.credential_id, *_event_counts()), scope, filters)
        .group_by(AnalyticsEvent.credential_id)
        .subquery()
    )
    engaged = (
        select(*pair, *(func.sum(per_credential.c[measure]) for measure in ENGAGEMENT))
        .join_from(per_credential, Credential, Credential.id == per_credential.c.credential_id)
        .group_by(*pair)
    )
    for achievement_id, department_id, *sums in session.execute(engaged):
        found.add(achievement_id, department_id, dict(zip(ENGAGEMENT, sums, strict=True)))
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


def _event_counts() -> list[ColumnElement[int]]:
    is_share = AnalyticsEvent.kind == kinds.SHARE
    linkedin = and_(is_share, AnalyticsEvent.channel == LINKEDIN_PROFILE)
    return [
        func.count(case((AnalyticsEvent.kind == kinds.VIEW, 1))).label(VIEWED),
        func.count(case((is_share, 1))).label(SHARED),
        func.count(case((linkedin, 1))).label(ADDED_TO_LINKEDIN),
        func.count(case((AnalyticsEvent.kind == kinds.VERIFY, 1))).label(VERIFIED),
    ]


def _events(query: Select[Any], scope: Scope, filters: ReportFilter) -> Select[Any]:
    """`query` over the scope's view, share and verify events of the period.

    Of one achievement or department: the events of its credentials (`credential_id IN`), read
    through the (credential_id, created_at) index, a range per credential. The organization
    is then the credentials' (asking it of the events too would make SQLite scan all of the
    organization's events of the period instead)."""
    conditions = _credential_conditions(scope, filters)
    if conditions:
        credentials = select(Credential.id).where(
            Credential.organization_id == scope.organization_id, *conditions
        )
        of_scope = AnalyticsEvent.credential_id.in_(credentials)
    else:
        of_scope = AnalyticsEvent.organization_id == scope.organization_id
    return query.where(
        of_scope,
        AnalyticsEvent.created_at >= _midnight(filters.start),
        AnalyticsEvent.created_at < _midnight(filters.end + timedelta(days=1)),
        AnalyticsEvent.kind.in_((kinds.VIEW, kinds.SHARE, kinds.VERIFY)),
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
