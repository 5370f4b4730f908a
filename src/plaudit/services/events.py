"""Record what changed in an organization's badges and templates (Credly's event types).

The core services record as they change things, whichever dialect asked: a badge issued through
Accredible is a `badge.created` event too. Reading events is the Credly dialect's; delivering
them to `webhook_url` is the notifications area's."""

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from sqlalchemy import insert
from sqlalchemy.orm import Session

from plaudit.store.event_tables import Event
from plaudit.store.tables import Achievement, Credential, utcnow

BADGE_CREATED = "badge.created"
BADGE_STATE_CHANGED = "badge.state.changed"
BADGE_DELETED = "badge.deleted"
# Plaudit's own: a credential issued unpublished (Accredible's `approve: false`) was published.
BADGE_PUBLISHED = "badge.published"
TEMPLATE_CREATED = "badge_template.created"
TEMPLATE_CHANGED = "badge_template.changed"
TEMPLATE_DELETED = "badge_template.deleted"


def badge(
    session: Session, credential: Credential, event_type: str, payload: dict[str, Any] | None = None
) -> Event:
    """Call after the credential is flushed (its UUID is set then)."""
    return _record(session, credential.organization_id, event_type, "badge", credential, payload)


def badges_created(session: Session, credentials: Sequence[Credential]) -> None:
    """`badge.created` for credentials inserted with Core, in one statement."""
    if not credentials:
        return
    now = utcnow()
    rows = [
        {
            "uuid": uuid4(),
            "created_at": now,
            "updated_at": now,
            "organization_id": credential.organization_id,
            "event_type": BADGE_CREATED,
            "occurred_at": now,
            "subject_type": "badge",
            "subject_uuid": credential.uuid,
            "payload": None,
        }
        for credential in credentials
    ]
    session.connection().execute(insert(Event.__table__), rows)


def badge_template(session: Session, achievement: Achievement, event_type: str) -> Event:
    return _record(
        session, achievement.organization_id, event_type, "badge_template", achievement, None
    )


def _record(
    session: Session,
    organization_id: int,
    event_type: str,
    subject_type: str,
    subject: Credential | Achievement,
    payload: dict[str, Any] | None,
) -> Event:
    event = Event(
        organization_id=organization_id,
        event_type=event_type,
        subject_type=subject_type,
        subject_uuid=subject.uuid,
        payload=payload,
    )
    session.add(event)
    return event
