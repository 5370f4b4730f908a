"""Analytics: record what happens to credentials in public, and read it back per tenant."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from plaudit.domain import analytics as rules
from plaudit.domain import limits
from plaudit.domain.scope import Scope
from plaudit.services import analytics_counts, credentials
from plaudit.store.reporting_tables import AnalyticsEvent
from plaudit.store.tables import Credential, utcnow


@dataclass(frozen=True)
class EventFilter:
    """Events from `start` to `end` (whole days, both included), of one group or department.

    An id that cannot name a row (beyond BIGINT) matches nothing; callers pass it as given.
    """

    start: date | None = None
    end: date | None = None
    group_id: int | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class Page:
    items: list[AnalyticsEvent]
    total_count: int


def record(
    session: Session,
    credential: Credential,
    kind: str,
    *,
    channel: str | None = None,
    by_recipient: bool = False,
    at: datetime | None = None,
) -> AnalyticsEvent:
    """Add one event to the caller's session (the public pages call this as things happen)."""
    rules.check_event(kind, channel)
    # The credential's row locked for share before the event's foreign key locks it.
    found = analytics_counts.homes(session, [credential.id])
    event = AnalyticsEvent(
        organization_id=credential.organization_id,
        credential_id=credential.id,
        kind=kind,
        channel=channel,
        by_recipient=by_recipient,
        created_at=at or utcnow(),
    )
    session.add(event)
    session.flush()
    counted = analytics_counts.Event(credential.id, kind, channel, event.created_at)
    analytics_counts.count(session, [counted], found)
    return event


def list_page(
    session: Session, scope: Scope, filters: EventFilter, *, page: int, page_size: int
) -> Page:
    """The scope's events, oldest first."""
    query = _scoped(scope, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    offset = (page - 1) * page_size
    if offset > limits.MAX_ID:
        return Page(items=[], total_count=total)
    items = session.scalars(
        query.order_by(AnalyticsEvent.created_at, AnalyticsEvent.id).offset(offset).limit(page_size)
    ).all()
    return Page(items=list(items), total_count=total)


def for_credential(session: Session, scope: Scope, ref: str) -> list[AnalyticsEvent]:
    """Every event of one credential the scope can see, oldest first."""
    credential = credentials.get(session, scope, ref)
    return list(
        session.scalars(
            select(AnalyticsEvent)
            .where(AnalyticsEvent.credential_id == credential.id)
            .order_by(AnalyticsEvent.created_at, AnalyticsEvent.id)
        )
    )


def _scoped(scope: Scope, filters: EventFilter) -> Select[tuple[AnalyticsEvent]]:
    query = select(AnalyticsEvent).where(AnalyticsEvent.organization_id == scope.organization_id)
    conditions: list[ColumnElement[bool]] = []
    if scope.department_id is not None:
        conditions.append(Credential.department_id == scope.department_id)
    if filters.department_id is not None:
        conditions.append(Credential.department_id == _storable(filters.department_id))
    if filters.group_id is not None:
        conditions.append(Credential.achievement_id == _storable(filters.group_id))
    if conditions:
        query = query.join(Credential, Credential.id == AnalyticsEvent.credential_id).where(
            *conditions
        )
    if filters.start is not None:
        query = query.where(AnalyticsEvent.created_at >= _midnight(filters.start))
    if filters.end is not None and filters.end < date.max:
        query = query.where(AnalyticsEvent.created_at < _midnight(filters.end + timedelta(days=1)))
    return query


def _storable(number: int) -> int:
    """No row has id 0: an id PostgreSQL could not even compare becomes one that matches none."""
    return number if limits.is_storable_id(number) else 0


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass(frozen=True)
class RecipientActivity:
    """Whether a credential's own recipient opened its page, and whether they did more with it
    (shared, downloaded or followed a link): Accredible's `recipient_opened`/`recipient_engaged`."""

    opened: frozenset[int]
    engaged: frozenset[int]


def recipient_activity(session: Session, credential_ids: list[int]) -> RecipientActivity:
    """One query for a page of credentials (served by the (credential_id, created_at) index)."""
    if not credential_ids:
        return RecipientActivity(frozenset(), frozenset())
    rows = session.execute(
        select(AnalyticsEvent.credential_id, AnalyticsEvent.kind)
        .where(
            AnalyticsEvent.credential_id.in_(credential_ids),
            AnalyticsEvent.by_recipient.is_(True),
        )
        .distinct()
    ).all()
    opened = frozenset(row.credential_id for row in rows if row.kind == rules.VIEW)
    engaged = frozenset(row.credential_id for row in rows if row.kind in rules.ENGAGING)
    return RecipientActivity(opened, engaged)
