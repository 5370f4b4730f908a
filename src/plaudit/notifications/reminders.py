"""Reminders: a pending badge not yet accepted, a credential about to expire.

A reminder is queued once: its dedupe key (`accept_reminder:<credential>`,
`expiry_reminder:<credential>:<expiry date>`) is unique among mails, and the search skips
credentials that already have one, so a pass that runs again (or on another process) queues
nothing new. A changed expiry date earns a new reminder."""

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, select
from sqlalchemy.orm import Session

from plaudit.notifications.mail_queue import MailQueue
from plaudit.notifications.wording import ACCEPT_REMINDER, EXPIRY_REMINDER
from plaudit.settings import Settings
from plaudit.store.notification_tables import Mail, Unsubscribe
from plaudit.store.tables import Credential

BATCH = 500
PENDING, REVOKED = "pending", "revoked"


def accept_key(credential_id: int) -> str:
    return f"{ACCEPT_REMINDER}:{credential_id}"


def expiry_key(credential_id: int, expires: date) -> str:
    return f"{EXPIRY_REMINDER}:{credential_id}:{expires.isoformat()}"


def queue_reminders(
    session: Session, settings: Settings, secret: bytes, now: datetime, today: date
) -> int:
    """Queue the reminders due today (at most a batch of each kind); how many were queued."""
    queue = MailQueue(session, settings, secret, now)
    queued = 0
    if settings.mail_accept_reminder_days:
        issued_by = today - timedelta(days=settings.mail_accept_reminder_days)
        due = _current(
            Credential.state == PENDING,
            Credential.issued_on <= issued_by,
            ~_reminded(ACCEPT_REMINDER, literal(f"{ACCEPT_REMINDER}:") + _id_text()),
        )
        found = session.scalars(select(Credential).where(due).order_by(Credential.id).limit(BATCH))
        credentials = list(found)
        queue.prepare(credentials)
        queued += _add(
            session, [queue.add(item, ACCEPT_REMINDER, accept_key(item.id)) for item in credentials]
        )
    if settings.mail_expiry_reminder_days:
        horizon = today + timedelta(days=settings.mail_expiry_reminder_days)
        key = (
            literal(f"{EXPIRY_REMINDER}:") + _id_text() + ":" + cast(Credential.expired_on, String)
        )
        due = _current(
            Credential.state != REVOKED,
            Credential.expired_on >= today,
            Credential.expired_on <= horizon,
            ~_reminded(EXPIRY_REMINDER, key),
        )
        found = session.scalars(select(Credential).where(due).order_by(Credential.id).limit(BATCH))
        credentials = list(found)
        queue.prepare(credentials)
        queued += _add(
            session,
            [
                queue.add(item, EXPIRY_REMINDER, expiry_key(item.id, item.expired_on))
                for item in credentials
                if item.expired_on is not None
            ],
        )
    return queued


def _add(session: Session, mails: list[Mail | None]) -> int:
    composed = [mail for mail in mails if mail is not None]
    session.add_all(composed)
    return len(composed)


def _current(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Published, unsuppressed credentials that no other has replaced, whose recipient has
    not unsubscribed (else they would come back in every pass)."""
    return and_(
        Credential.replaced_by_id.is_(None),
        Credential.approve.is_(True),
        Credential.suppress_notification.is_(False),
        ~exists().where(
            Unsubscribe.organization_id == Credential.organization_id,
            Unsubscribe.email_normalized == Credential.recipient_email_normalized,
        ),
        *conditions,
    )


def _id_text() -> ColumnElement[str]:
    return cast(Credential.id, String)


def _reminded(kind: str, key: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(
        Mail.credential_id == Credential.id, Mail.kind == kind, Mail.dedupe_key == key
    )
