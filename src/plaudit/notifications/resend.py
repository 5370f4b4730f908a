"""Sending a credential's notification again, when its issuer asks (the dashboard's re-send).

The mail is the "issued" message the dispatcher queues when the credential is issued or
published (notifications/dispatch.py), composed anew (the recipient's name or the templates may
have changed since) and queued as its own row: its dedupe key names the request, so each ask
queues exactly one mail."""

from datetime import datetime
from uuid import uuid4

from sqlalchemy.orm import Session

from plaudit.domain.errors import Conflict
from plaudit.notifications.mail_queue import MailQueue
from plaudit.notifications.wording import ISSUED
from plaudit.settings import Settings
from plaudit.store.notification_tables import Mail
from plaudit.store.tables import Credential

REVOKED = "revoked"
NOT_PUBLISHED = "Publish this credential first: its recipient could not open it yet."
IS_REVOKED = "This credential is revoked: there is nothing to send again."


def dedupe_key(credential_id: int) -> str:
    return f"resend:{credential_id}:{uuid4().hex}"


def resend(
    session: Session, credential: Credential, settings: Settings, secret: bytes, now: datetime
) -> Mail | None:
    """Queue the credential's "issued" mail again in the caller's transaction (it commits).
    None when the recipient has unsubscribed from the organization; a Conflict for a
    credential that is unpublished or revoked."""
    if credential.state == REVOKED:
        raise Conflict("notification.revoked", IS_REVOKED)
    if not credential.approve:
        raise Conflict("notification.unpublished", NOT_PUBLISHED)
    queue = MailQueue(session, settings, secret, now)
    queue.prepare([credential])
    mail = queue.add(credential, ISSUED, dedupe_key(credential.id))
    if mail is not None:
        session.add(mail)
        session.flush()
    return mail
