"""Reading an organization's events (services/events.py records them) with their subjects.

Oldest first, by id: a client polling the list by page numbers then finds each page unchanged
as new events arrive at the end. A department-scoped key sees only the events of the badges and
templates of its department that still exist; an account-wide key sees every event."""

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.domain.scope import Scope
from plaudit.services import credentials, visible
from plaudit.store.event_tables import Event
from plaudit.store.tables import Achievement, Credential


@dataclass(frozen=True)
class Subjects:
    """The events' badges and templates that still exist, by UUID."""

    badges: dict[UUID, Credential]
    templates: dict[UUID, Achievement]


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    total_count: int
    subjects: Subjects


def page(session: Session, scope: Scope, *, offset: int, limit: int) -> EventPage:
    condition = _visible(scope)
    total = session.scalar(select(func.count()).select_from(Event).where(condition)) or 0
    rows = list(
        session.scalars(
            select(Event).where(condition).order_by(Event.id).offset(offset).limit(limit)
        )
    )
    return EventPage(rows, total, subjects(session, scope, rows))


def get(session: Session, scope: Scope, ref: str) -> tuple[Event, Subjects]:
    try:
        wanted = UUID(ref.strip())
    except ValueError:
        raise NotFound("event") from None
    event = session.scalar(select(Event).where(_visible(scope), Event.uuid == wanted))
    if event is None:
        raise NotFound("event")
    return event, subjects(session, scope, [event])


def subjects(session: Session, scope: Scope, rows: list[Event]) -> Subjects:
    badge_ids = {row.subject_uuid for row in rows if row.subject_type == "badge"}
    template_ids = {row.subject_uuid for row in rows if row.subject_type == "badge_template"}
    badges = (
        session.scalars(credentials.scoped(scope).where(Credential.uuid.in_(badge_ids)))
        if badge_ids
        else []
    )
    templates = (
        session.scalars(visible.achievements(scope).where(Achievement.uuid.in_(template_ids)))
        if template_ids
        else []
    )
    return Subjects(
        {badge.uuid: badge for badge in badges}, {item.uuid: item for item in templates}
    )


def _visible(scope: Scope) -> ColumnElement[bool]:
    condition = Event.organization_id == scope.organization_id
    if scope.department_id is None:
        return condition
    return and_(
        condition,
        or_(
            Event.subject_uuid.in_(credentials.scoped(scope).with_only_columns(Credential.uuid)),
            Event.subject_uuid.in_(visible.achievements(scope).with_only_columns(Achievement.uuid)),
        ),
    )
