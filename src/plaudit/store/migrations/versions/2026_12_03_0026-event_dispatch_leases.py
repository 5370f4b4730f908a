"""events reserved by one dispatcher while it composes their mail and deliveries (issue 13/14)

Every worker process's dispatcher used to read and compose the same batch of events, and only
one of them claimed it: with N processes each event's mail was composed N times. A dispatcher
now reserves a batch first (`dispatch_owner`, `dispatch_lease_until`), composes it alone, and
claims it only while it still holds the reservation.

Revision ID: 0026_event_dispatch_leases
Revises: 0025_webhooks
Create Date: 2026-12-03 10:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_event_dispatch_leases"
down_revision: str | Sequence[str] | None = "0025_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain add_column: no batch rebuild of a table that may be large.
    op.add_column("events", sa.Column("dispatch_owner", sa.String(length=128), nullable=True))
    op.add_column(
        "events", sa.Column("dispatch_lease_until", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("dispatch_lease_until")
        batch_op.drop_column("dispatch_owner")
