"""Webhook delivery rows as the dispatcher (and, for final states, the sender) leaves them,
for the delivery log tests and bench/notifications.py."""

import json
import uuid
from collections.abc import Sequence

from sqlalchemy import update

from plaudit.store.db import Database
from plaudit.store.notification_tables import DEAD, PENDING, SENDING, SENT
from plaudit.store.tables import utcnow
from plaudit.store.webhook_tables import WebhookDelivery, WebhookSubscription

FAILED_ANSWER = "down " * 1000


def deliveries(
    database: Database, subscription: WebhookSubscription, states: Sequence[str]
) -> list[int]:
    """One row per state, oldest first, each for an event of its own; pending ones are due
    now, the others were answered 500 three times (or 2xx when sent)."""
    now = utcnow()
    with database.transaction() as session:
        rows = []
        for state in states:
            event_uuid = uuid.uuid4()
            answered = state != PENDING
            rows.append(
                WebhookDelivery(
                    organization_id=subscription.organization_id,
                    subscription_id=subscription.id,
                    event_id=event_uuid.int % 2**62,
                    event_uuid=event_uuid,
                    event_type="badge.created",
                    body=json.dumps({"id": str(event_uuid), "event_type": "badge.created"}),
                    state=state,
                    attempts=3 if answered else 0,
                    response_status=(200 if state == SENT else 500) if answered else None,
                    response_body=FAILED_ANSWER if answered else None,
                    last_error="HTTP 500" if answered and state != SENT else None,
                    run_after=now,
                    finished_at=now if answered else None,
                )
            )
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def nothing_due(database: Database) -> None:
    """Rows a test left due end dead: the next test's sender does not try their URLs."""
    with database.transaction() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.state.in_((PENDING, SENDING)))
            .values(state=DEAD)
        )
