"""Notifications (issue 14): the mail outbox, the organizations' mail templates, unsubscribes.

A message to deliver is a row that carries its own delivery state (`DeliveryState`): it is
claimed, sent, and marked like a job, so a crash loses nothing and repeats at most the one
message in flight. Webhook deliveries are meant to take the same columns."""

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.tables import IdType, Row, org_fk, utcnow

# Delivery states. `held`: waiting for SMTP to be configured; `pending`: due at `run_after`;
# `sending`: claimed by `locked_by` until `locked_until`; `sent`, `failed` (refused for good)
# and `dead` (retries ran out: a dead letter) are final until `plaudit outbox retry`.
HELD, PENDING, SENDING, SENT, FAILED, DEAD = "held", "pending", "sending", "sent", "failed", "dead"
STATES = (HELD, PENDING, SENDING, SENT, FAILED, DEAD)


class DeliveryState:
    """The columns the delivery machinery (notifications/deliveries.py) claims and marks."""

    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replayed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True),
        doc="When `plaudit outbox retry` or a replay last queued it again: its retries run "
        "until the deadline counted from then (from created_at before any replay).",
    )


class Mail(Row, DeliveryState):
    """One message to one recipient, composed when it is queued: a resend is the same message,
    with the same `Message-ID`, so a receiver can drop the duplicate."""

    __tablename__ = "mails"
    __table_args__ = (
        Index(None, "state", "run_after"),
        Index(None, "organization_id", "id"),
    )

    organization_id: Mapped[int] = org_fk()
    credential_id: Mapped[int | None] = mapped_column(
        IdType, index=True, doc="No foreign key: the mail outlives a deleted credential."
    )
    kind: Mapped[str] = mapped_column(
        String(32), doc="issued, replaced, revoked, accept_reminder or expiry_reminder."
    )
    dedupe_key: Mapped[str] = mapped_column(
        String(128), unique=True, doc="What it is about (`event:12`): queued at most once."
    )
    locale: Mapped[str] = mapped_column(String(8))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str] = mapped_column(Text)


class MailTemplate(Row):
    """An organization's wording of one kind of mail in one locale (`en`, `fr-CA`...): plain
    text with the designs' merge fields; the HTML part is made from it, escaped."""

    __tablename__ = "mail_templates"
    __table_args__ = (Index(None, "organization_id", "kind", "locale", unique=True),)

    organization_id: Mapped[int] = org_fk()
    kind: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)


class Unsubscribe(Row):
    """A recipient who asked for no more mail from one organization."""

    __tablename__ = "unsubscribes"
    __table_args__ = (Index(None, "organization_id", "email_normalized", unique=True),)

    organization_id: Mapped[int] = org_fk()
    email_normalized: Mapped[str] = mapped_column(String(254))


# Webhook deliveries take the delivery columns above: their module is imported here, once they
# exist, so that importing either module first registers both.
from plaudit.store import webhook_tables  # noqa: E402, F401
