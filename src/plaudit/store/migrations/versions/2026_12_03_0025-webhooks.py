"""Webhooks (issue 14): organizations' subscriptions and the deliveries of their events; and
when a mail or delivery was last queued again by hand (`replayed_at`).

Revision ID: 0025_webhooks
Revises: 0024_notifications
Create Date: 2026-12-03 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_webhooks"
down_revision: str | Sequence[str] | None = "0024_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)


def _row_columns(table: str) -> list[sa.Column | sa.Constraint]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f(f"fk_{table}_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{table}_uuid")),
    ]


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        *_row_columns("webhook_subscriptions"),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("event_types", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("body", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(length=512), nullable=False),
        sa.Column("encryption_key_id", sa.String(length=16), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_webhook_subscriptions_organization_id"),
        "webhook_subscriptions",
        ["organization_id"],
    )
    op.create_index(
        op.f("ix_webhook_subscriptions_organization_id_webhook_subscriptions_source"),
        "webhook_subscriptions",
        ["organization_id", "source"],
    )

    op.create_table(
        "webhook_deliveries",
        *_row_columns("webhook_deliveries"),
        sa.Column("subscription_id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("event_uuid", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", STAMP, nullable=False),
        sa.Column("locked_by", sa.String(length=128), nullable=True),
        sa.Column("locked_until", STAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", STAMP, nullable=True),
        sa.Column("replayed_at", STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_deliveries_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sqlite_autoincrement=True,
    )
    table = "webhook_deliveries"
    for columns in (
        ["organization_id"],
        ["state", "run_after"],
        ["subscription_id", "id"],
        ["organization_id", "id"],
    ):
        op.create_index(op.f(f"ix_{table}_" + f"_{table}_".join(columns)), table, columns)
    op.create_index(
        op.f(f"ix_{table}_subscription_id_{table}_event_id"),
        table,
        ["subscription_id", "event_id"],
        unique=True,
    )

    op.add_column("mails", sa.Column("replayed_at", STAMP, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mails") as batch_op:
        batch_op.drop_column("replayed_at")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
