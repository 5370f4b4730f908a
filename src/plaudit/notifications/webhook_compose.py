"""The webhook deliveries of a batch of events (issue 14): one per event and matching active
subscription of the event's organization, with the exact JSON it will POST.

Which subscriptions match: the organization's active Plaudit subscriptions whose event types
are empty or name the event's, and its Credly subscription (the one that follows
`webhook_url`) while the organization has a `webhook_url` and the subscription is active.

The bodies are Credly's event JSON, as `GET /v1/organizations/{org}/events/{id}` shows it: the
caller passes that mapping in (`EventJson`; the worker passes the Credly dialect's
`event_out`), so that the notifications area imports no dialect and the JSON is written once.
A thin body is its first four keys (Credly's webhook contract); a full one is all of it.

The Credly subscription is made on first need, in a short transaction of its own before the
batch is composed, under a lock on the organization's row (PostgreSQL), so that two
dispatchers never make two. The deliveries are added by the dispatcher's claim transaction,
for the events it claimed only (dispatch.py)."""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import CompoundSelect, select, union
from sqlalchemy.orm import Session

from plaudit.domain.scope import Scope
from plaudit.services import event_feed
from plaudit.services.webhook_subscriptions import credly_subscription
from plaudit.store.db import Database
from plaudit.store.event_tables import Event
from plaudit.store.tables import Organization
from plaudit.store.webhook_tables import (
    CREDLY,
    FULL,
    PLAUDIT,
    THIN,
    WebhookDelivery,
    WebhookSubscription,
)

# An event as Credly's GET shows it: (event, its subjects, organization, public base URL).
EventJson = Callable[[Event, event_feed.Subjects, Organization, str], dict[str, Any]]
THIN_KEYS = ("id", "organization_id", "event_type", "occurred_at")
NO_SUBJECTS = event_feed.Subjects({}, {})


@dataclass(frozen=True)
class Webhook:
    """A delivery composed for an event, added if the dispatcher claims the event."""

    event_id: int
    organization_id: int
    subscription_id: int
    event_uuid: UUID
    event_type: str
    body: str

    def row(self) -> WebhookDelivery:
        return WebhookDelivery(
            organization_id=self.organization_id,
            subscription_id=self.subscription_id,
            event_id=self.event_id,
            event_uuid=self.event_uuid,
            event_type=self.event_type,
            body=self.body,
        )


def compose(
    database: Database,
    session: Session,
    server_secret: bytes,
    event_ids: Sequence[int],
    event_json: EventJson,
    base_url: str,
) -> list[Webhook]:
    """The deliveries of the events `event_ids`, read in `session` (read-only)."""
    events = list(
        session.scalars(
            select(Event)
            .where(Event.id.in_(event_ids), Event.organization_id.in_(_listening()))
            .order_by(Event.id)
        )
    )
    if not events:
        return []
    organizations = {
        organization.id: organization
        for organization in session.scalars(
            select(Organization).where(Organization.id.in_({e.organization_id for e in events}))
        )
    }
    subscriptions = _subscriptions(session, organizations)
    missing = [
        organization.id
        for organization in organizations.values()
        if organization.webhook_url
        and not any(item.source == CREDLY for item in subscriptions.get(organization.id, []))
    ]
    if missing:
        for made in _make_credly_subscriptions(database, server_secret, missing):
            subscriptions.setdefault(made.organization_id, []).append(made)
    webhooks = []
    for organization_id, organization in organizations.items():
        wanted = [item for item in subscriptions.get(organization_id, []) if item.active]
        if not organization.webhook_url:
            wanted = [item for item in wanted if item.source == PLAUDIT]
        of_organization = [event for event in events if event.organization_id == organization_id]
        if wanted:
            webhooks += _of_organization(
                session, organization, of_organization, wanted, event_json, base_url
            )
    return webhooks


def _of_organization(
    session: Session,
    organization: Organization,
    events: list[Event],
    wanted: list[WebhookSubscription],
    event_json: EventJson,
    base_url: str,
) -> list[Webhook]:
    """The deliveries of one organization's events to its `wanted` subscriptions."""
    subjects = (
        event_feed.subjects(session, Scope(organization.id), events)
        if any(item.body == FULL for item in wanted)
        else NO_SUBJECTS
    )
    webhooks = []
    for event in events:
        full = event_json(event, subjects, organization, base_url)
        bodies = {FULL: _text(full), THIN: _text({key: full[key] for key in THIN_KEYS})}
        webhooks += [
            Webhook(
                event_id=event.id,
                organization_id=organization.id,
                subscription_id=subscription.id,
                event_uuid=event.uuid,
                event_type=event.event_type,
                body=bodies[subscription.body],
            )
            for subscription in wanted
            if not subscription.event_types or event.event_type in subscription.event_types
        ]
    return webhooks


def _text(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def _listening() -> CompoundSelect:
    """The organizations some webhook may be for: a webhook_url, or an active subscription."""
    return union(
        select(Organization.id).where(Organization.webhook_url.is_not(None)),
        select(WebhookSubscription.organization_id).where(WebhookSubscription.active.is_(True)),
    )


def _subscriptions(
    session: Session, organizations: dict[int, Organization]
) -> dict[int, list[WebhookSubscription]]:
    found: dict[int, list[WebhookSubscription]] = {}
    for subscription in session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.organization_id.in_(organizations))
        .order_by(WebhookSubscription.id)
    ):
        found.setdefault(subscription.organization_id, []).append(subscription)
    return found


def _make_credly_subscriptions(
    database: Database, server_secret: bytes, organization_ids: list[int]
) -> list[WebhookSubscription]:
    made = []
    with database.transaction() as session:
        for organization_id in sorted(organization_ids):
            organization = session.scalar(
                select(Organization).where(Organization.id == organization_id).with_for_update()
            )
            subscription = (
                credly_subscription(session, server_secret, organization)
                if organization is not None
                else None
            )
            if subscription is not None:
                made.append(subscription)
        session.expunge_all()
    return made
