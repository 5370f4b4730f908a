"""Events: what changed in an organization's badges and templates, in order (issue 11).

Credly's webhooks send an event's id; the receiver fetches the event for its object. Delivery to
the organization's `webhook_url` belongs to the notifications area, which reads this table."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.tables import JsonType, Row, org_fk, utcnow


class Event(Row):
    __tablename__ = "events"
    # subject_uuid: a deleted badge's hosted assertion is gone (410), found by its events.
    __table_args__ = (
        Index(None, "organization_id", "id"),
        Index(None, "subject_uuid"),
        Index(None, "dispatched_at", "id"),
    )

    organization_id: Mapped[int] = org_fk()
    event_type: Mapped[str] = mapped_column(
        String(64), doc="badge.created, badge.state.changed, badge_template.changed, ..."
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    subject_type: Mapped[str] = mapped_column(String(32), doc="badge or badge_template.")
    subject_uuid: Mapped[UUID] = mapped_column(Uuid, doc="The badge's or template's UUID.")
    payload: Mapped[dict[str, Any] | None] = mapped_column(
        JsonType, doc="What the event says beyond its subject (a state change's from and to)."
    )
    dispatched_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True),
        doc="When notifications/dispatch.py queued its mails; NULL: not yet.",
    )
    dispatch_owner: Mapped[str | None] = mapped_column(
        String(128), doc="The dispatcher that reserved it to compose its mail and deliveries."
    )
    dispatch_lease_until: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="Until when that reservation holds (its owner may die)."
    )
