"""The outbox: background jobs, written in the same transaction as the change that causes them."""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.tables import IdType, JsonType, Row, utcnow

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


class Job(Row):
    """One unit of background work.

    A `pending` job may be claimed once `run_after` has passed; a `running` one belongs to
    `locked_by` until `locked_until` (its lease), after which another worker claims it again:
    that is how a job outlives the crash of the process that ran it. `done` and `failed` are
    final.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index(None, "state", "run_after"),
        Index(None, "state", "locked_until"),
    )

    organization_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
