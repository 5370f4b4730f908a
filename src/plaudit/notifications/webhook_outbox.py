"""What the issuer and the operator see of webhook deliveries (the delivery log), and the one
thing they may do to one: replay a dead or failed delivery, with fresh attempts and the same
body and event id, so a receiver that got it after all drops the repeat."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from plaudit.domain.errors import Conflict, NotFound
from plaudit.notifications import outbox
from plaudit.store.notification_tables import DEAD, FAILED
from plaudit.store.webhook_tables import WebhookDelivery, WebhookSubscription

REPLAYABLE = (DEAD, FAILED)
# How much of a receiver's answer the log shows (the row keeps what the sender read of it).
RESPONSE_SHOWN = 1024


def page(
    session: Session,
    organization_id: int | None,
    states: Sequence[str] = (),
    *,
    subscription_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """Deliveries described, newest first, and how many there are in all."""
    query = _deliveries(organization_id, states, subscription_id)
    rows, total = outbox.page_of(session, WebhookDelivery, query, offset=offset, limit=limit)
    subscriptions = _subscription_uuids(session, {row.subscription_id for row in rows})
    return [describe(row, subscriptions[row.subscription_id]) for row in rows], total


def get(session: Session, organization_id: int, delivery_id: int) -> WebhookDelivery:
    """The organization's delivery; another tenant's is not found."""
    delivery = session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.organization_id == organization_id, WebhookDelivery.id == delivery_id
        )
    )
    if delivery is None:
        raise NotFound("webhook_delivery")
    return delivery


def replay(session: Session, delivery: WebhookDelivery, now: datetime) -> None:
    """Due again at once; anything but a dead or failed delivery is refused (a pending one will
    be tried anyway, a sent one was answered 2xx)."""
    if delivery.state not in REPLAYABLE or not outbox.retry(
        session, now, [delivery.id], REPLAYABLE, model=WebhookDelivery
    ):
        raise Conflict(
            "webhook_delivery.not_replayable",
            f"Only a dead or failed delivery can be replayed; this one is {delivery.state}",
        )
    session.refresh(delivery)


def replay_all(session: Session, now: datetime, ids: Sequence[int] = ()) -> int:
    """`plaudit outbox retry --webhooks`: every dead or failed delivery (or those of `ids`)."""
    return outbox.retry(session, now, ids, REPLAYABLE, model=WebhookDelivery)


def describe(delivery: WebhookDelivery, subscription_uuid: str) -> dict[str, Any]:
    """A delivery as the API and `plaudit outbox list --webhooks` show it: never its body (the
    receiver has it) nor anything of the secret."""
    response = delivery.response_body
    return {
        "id": delivery.id,
        "organization_id": delivery.organization_id,
        "subscription_id": subscription_uuid,
        "event_id": str(delivery.event_uuid),
        "event_type": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "response_status": delivery.response_status,
        "response_body": response[:RESPONSE_SHOWN] if response is not None else None,
        "last_error": delivery.last_error,
        **outbox.times(delivery),
    }


def subscription_uuid(session: Session, delivery: WebhookDelivery) -> str:
    return _subscription_uuids(session, {delivery.subscription_id})[delivery.subscription_id]


def _deliveries(
    organization_id: int | None, states: Sequence[str], subscription_id: int | None
) -> Select[tuple[WebhookDelivery]]:
    query = select(WebhookDelivery)
    if organization_id is not None:
        query = query.where(WebhookDelivery.organization_id == organization_id)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    if states:
        query = query.where(WebhookDelivery.state.in_(states))
    return query


def _subscription_uuids(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = session.execute(
        select(WebhookSubscription.id, WebhookSubscription.uuid).where(
            WebhookSubscription.id.in_(ids)
        )
    )
    return {row.id: str(row.uuid) for row in found}
