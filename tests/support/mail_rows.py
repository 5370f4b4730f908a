"""Mail rows as the dispatcher leaves them (queued, due now), for the delivery tests."""

import uuid
from datetime import timedelta

from plaudit.store.db import Database
from plaudit.store.notification_tables import PENDING, Mail
from plaudit.store.tables import utcnow
from tests.support.tenants import Tenant


def queued(database: Database, tenant: Tenant, count: int = 1) -> list[int]:
    """Mail rows as the dispatcher leaves them, due now."""
    with database.transaction() as session:
        rows = []
        for _ in range(count):
            key = uuid.uuid4().hex
            rows.append(
                Mail(
                    organization_id=tenant.organization_id,
                    kind="issued",
                    dedupe_key=f"test:{key}",
                    locale="en",
                    recipient_email=f"{key}@example.com",
                    recipient_name="Ada",
                    message_id=f"<{key}@academy.test>",
                    subject="Hello",
                    text_body="Hello",
                    html_body="<p>Hello</p>",
                    unsubscribe_url="http://127.0.0.1/unsubscribe/x",
                    state=PENDING,
                    attempts=0,
                    run_after=utcnow() - timedelta(seconds=1),
                )
            )
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]
