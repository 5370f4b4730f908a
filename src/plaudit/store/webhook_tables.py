"""Webhooks (issue 14): where an organization's events are POSTed, and each POST to make.

A subscription is Plaudit's own (several per organization, each with its URL, event types and
body) or Credly's: the one that follows the organization's `webhook_url` (Credly registers a
webhook by PUTting it on the organization), whose URL is read from the organization at delivery
and whose body is Credly's thin one. A delivery is one event for one subscription; it carries
its own delivery state (`DeliveryState`) like a mail, and the exact body it POSTs, so that a
retry or a replay sends the same bytes with the same event id."""

from uuid import UUID

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.notification_tables import DeliveryState
from plaudit.store.tables import IdType, JsonType, Row, org_fk

# Subscription sources and bodies.
PLAUDIT, CREDLY = "plaudit", "credly"
THIN, FULL = "thin", "full"


class WebhookSubscription(Row):
    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index(None, "organization_id", "source"),)

    organization_id: Mapped[int] = org_fk()
    source: Mapped[str] = mapped_column(
        String(16), default=PLAUDIT, doc="plaudit, or credly: follows organizations.webhook_url."
    )
    url: Mapped[str | None] = mapped_column(
        String(2048), doc="Where to POST; NULL for credly (the organization's webhook_url)."
    )
    description: Mapped[str | None] = mapped_column(String(255))
    event_types: Mapped[list[str]] = mapped_column(
        JsonType, default=list, doc="The event types sent; empty: every one."
    )
    body: Mapped[str] = mapped_column(
        String(16),
        default=THIN,
        doc="thin ({id, organization_id, event_type, occurred_at}) or full.",
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    secret_ciphertext: Mapped[bytes] = mapped_column(
        LargeBinary(512), doc="AES-256-GCM nonce + ciphertext of the signing secret."
    )
    encryption_key_id: Mapped[str] = mapped_column(
        String(16), doc="Which server secret encrypted it (a hash of the derived key)."
    )


class WebhookDelivery(Row, DeliveryState):
    """One event POSTed to one subscription: queued once (unique per subscription and event)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(None, "state", "run_after"),
        Index(None, "subscription_id", "id"),
        Index(None, "organization_id", "id"),
        Index(None, "subscription_id", "event_id", unique=True),
    )

    organization_id: Mapped[int] = org_fk()
    subscription_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(IdType, doc="The event's row (events.id).")
    event_uuid: Mapped[UUID] = mapped_column(
        Uuid, doc="The id receivers see (body and header) and deduplicate by."
    )
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, doc="The exact JSON POSTed, composed when queued.")
    response_status: Mapped[int | None] = mapped_column(Integer, doc="The last attempt's.")
    response_body: Mapped[str | None] = mapped_column(
        Text, doc="The start of the last attempt's response body."
    )
