"""The dispatcher: turns recorded events (store/event_tables.py) into queued mail and webhook
deliveries (notifications/webhook_compose.py).

Undispatched events are found by `dispatched_at IS NULL`, not by an id cursor: PostgreSQL may
commit a lower id after a higher one, and a cursor would skip it. A dispatcher first reserves a
batch in one short transaction (`dispatch_owner`, `dispatch_lease_until`; FOR UPDATE SKIP LOCKED
on PostgreSQL), so that the dispatchers of several worker processes compose different batches
instead of all composing the same one. The batch's mail and deliveries are composed in a
read-only session, outside any write lock (on SQLite, issuing requests queue behind every
writer); then one short transaction claims the events,
`UPDATE events SET dispatched_at = now WHERE id IN (...) AND dispatched_at IS NULL AND
dispatch_owner = me RETURNING id`, and adds the mail and webhook deliveries of the events it
claimed, and of no other. A dispatcher that dies leaves its reservation to run out (the job
lease); one that outlived its reservation, which another dispatcher then took, claims none of
those events. So each event's mail and deliveries are queued exactly once.

What each event sends (issue 14, the seeds' flags):
- badge.created: "issued", unless the credential has `suppress_notification` (Credly's
  `suppress_badge_notification_email`) or is unpublished (`approve` false); a replacement
  (its payload names `replaces_badge_id`) sends "replaced" with its `notification_message`;
- badge.published (a credential issued unpublished was published): "issued", as above;
- badge.state.changed to revoked: "revoked", unless the payload says
  `suppress_notification_email` (Credly's `suppress_revoke_notification_email`);
- anything else, or an event whose credential is gone: nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import ColumnElement, Row, and_, exists, or_, select, update
from sqlalchemy.orm import Session

from plaudit.notifications import webhook_compose
from plaudit.notifications.mail_queue import MailQueue
from plaudit.notifications.wording import ISSUED, REPLACED, REVOKED
from plaudit.services import events
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.event_tables import Event
from plaudit.store.notification_tables import Mail
from plaudit.store.tables import Credential

BATCH = 200


def has_undispatched(session: Session, now: datetime) -> bool:
    """Whether a batch could be reserved: a cheap read that spares idle workers (and those
    whose events another dispatcher holds) a writing transaction."""
    return bool(session.scalar(select(exists().where(_available(now)))))


@dataclass(frozen=True)
class Composed:
    """A batch of events read, the mail of those that send one (by event id), and their
    webhook deliveries."""

    owner: str
    event_ids: list[int]
    mails: list[tuple[int, Mail]]
    webhooks: list[webhook_compose.Webhook] = field(default_factory=list)


def dispatch(
    database: Database,
    settings: Settings,
    secret: bytes,
    now: datetime,
    event_json: webhook_compose.EventJson | None = None,
    *,
    owner: str | None = None,
) -> int:
    """Dispatch one batch; how many events it claimed (0: none was waiting). Without
    `event_json` (how Credly shows an event) no webhook delivery is queued. `owner`: who
    reserves the batch (a worker's id; a fresh one when not given)."""
    composed = compose_batch(database, settings, secret, now, event_json, owner=owner)
    return claim_and_queue(database, composed, now) if composed.event_ids else 0


def _available(now: datetime) -> ColumnElement[bool]:
    """Not dispatched, and not reserved by a dispatcher whose reservation still holds."""
    return and_(
        Event.dispatched_at.is_(None),
        or_(Event.dispatch_lease_until.is_(None), Event.dispatch_lease_until <= now),
    )


def reserve(database: Database, owner: str, now: datetime, lease: timedelta) -> list[int]:
    """Reserve the oldest available batch of events for `owner`; their ids."""
    with database.transaction() as session:
        ids = session.scalars(
            select(Event.id)
            .where(_available(now))
            .order_by(Event.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        if not ids:
            return []
        reserved = session.scalars(
            update(Event)
            .where(Event.id.in_(ids), _available(now))
            .values(dispatch_owner=owner, dispatch_lease_until=now + lease)
            .returning(Event.id)
            .execution_options(synchronize_session=False)
        ).all()
    return sorted(reserved)


def compose_batch(
    database: Database,
    settings: Settings,
    secret: bytes,
    now: datetime,
    event_json: webhook_compose.EventJson | None = None,
    *,
    owner: str | None = None,
) -> Composed:
    """Reserve a batch and compose its mail and deliveries (none: nothing was available)."""
    owner = owner or f"dispatcher-{uuid4()}"
    reserved = reserve(database, owner, now, timedelta(seconds=settings.job_lease_seconds))
    if not reserved:
        return Composed(owner, [], [])
    with database.session(readonly=True) as session:
        batch = session.execute(
            select(Event.id, Event.event_type, Event.subject_uuid, Event.payload)
            .where(Event.id.in_(reserved))
            .order_by(Event.id)
        ).all()
        event_ids = [row.id for row in batch]
        mails = _compose(session, settings, secret, now, batch) if batch else []
        webhooks = (
            webhook_compose.compose(
                database, session, secret, event_ids, event_json, settings.public_base_url
            )
            if batch and event_json is not None
            else []
        )
    return Composed(owner, event_ids, mails, webhooks)


def claim_and_queue(database: Database, composed: Composed, now: datetime) -> int:
    """Mark the events dispatched, and add the mail and deliveries of those this call marked."""
    with database.transaction() as session:
        claimed = set(
            session.scalars(
                update(Event)
                .where(
                    Event.id.in_(composed.event_ids),
                    Event.dispatched_at.is_(None),
                    Event.dispatch_owner == composed.owner,
                )
                .values(dispatched_at=now)
                .returning(Event.id)
                .execution_options(synchronize_session=False)
            )
        )
        session.add_all([mail for event_id, mail in composed.mails if event_id in claimed])
        session.add_all([item.row() for item in composed.webhooks if item.event_id in claimed])
    return len(claimed)


def _compose(
    session: Session, settings: Settings, secret: bytes, now: datetime, batch: Sequence[Row[Any]]
) -> list[tuple[int, Mail]]:
    """The mail of each event of the batch that sends one, by event id."""
    wanted = [(row, kind) for row in batch if (kind := _kind(row.event_type, row.payload))]
    credentials = {
        item.uuid: item
        for item in session.scalars(
            select(Credential).where(Credential.uuid.in_({row.subject_uuid for row, _ in wanted}))
        )
    }
    queue = MailQueue(session, settings, secret, now)
    queue.prepare(credentials.values())
    mails = []
    for row, kind in wanted:
        credential = credentials.get(row.subject_uuid)
        if credential is None or not _sends(credential, kind):
            continue
        message = (row.payload or {}).get("notification_message") if kind == REPLACED else None
        if (mail := queue.add(credential, kind, f"event:{row.id}", message)) is not None:
            mails.append((row.id, mail))
    return mails


def _kind(event_type: str, payload: dict[str, Any] | None) -> str | None:
    payload = payload or {}
    if event_type == events.BADGE_CREATED:
        return REPLACED if payload.get("replaces_badge_id") else ISSUED
    if event_type == events.BADGE_PUBLISHED:
        return ISSUED
    if event_type == events.BADGE_STATE_CHANGED and payload.get("to") == "revoked":
        return None if payload.get("suppress_notification_email") else REVOKED
    return None


def _sends(credential: Credential, kind: str) -> bool:
    if kind == ISSUED:
        return credential.approve and not credential.suppress_notification
    return True
