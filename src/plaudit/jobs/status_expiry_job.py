"""Sets a credential's status bit on the day its (changed) expiry arrives; see
services/credential_status.py. Safe to run twice, and a no-op once the expiry has moved on."""

from datetime import UTC, datetime

from plaudit.jobs.registry import JobContext
from plaudit.openbadges import status_list
from plaudit.store.tables import Credential


def run(context: JobContext) -> None:
    today = datetime.now(UTC).date()
    with context.database.transaction() as session:
        credential = session.get(Credential, int(context.payload["credential_id"]))
        if credential is None or credential.expired_on is None:
            return
        if credential.expired_on <= today:
            status_list.set_bit(session, credential.id, status_list.EXPIRED)
