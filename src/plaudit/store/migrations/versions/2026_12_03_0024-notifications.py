"""Notifications (issue 14): the mail outbox, mail templates, unsubscribes, and which events
have been dispatched. Events recorded before this revision count as dispatched: history
sends no mail.

Revision ID: 0024_notifications
Revises: 0023_group_search_index
Create Date: 2026-12-03 07:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0024_notifications"
down_revision: str | Sequence[str] | None = "0023_group_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
    ]


def _organization(table: str) -> list[Any]:
    return [
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
        "mails",
        *_organization("mails"),
        sa.Column("credential_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("recipient_email", sa.String(length=254), nullable=False),
        sa.Column("recipient_name", sa.String(length=255), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.Text(), nullable=False),
        *_row_columns(),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", STAMP, nullable=False),
        sa.Column("locked_by", sa.String(length=128), nullable=True),
        sa.Column("locked_until", STAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", STAMP, nullable=True),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mails_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mails_message_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_mails_organization_id"), "mails", ["organization_id"])
    op.create_index(op.f("ix_mails_organization_id_mails_id"), "mails", ["organization_id", "id"])
    op.create_index(op.f("ix_mails_credential_id"), "mails", ["credential_id"])
    op.create_index(op.f("ix_mails_state_mails_run_after"), "mails", ["state", "run_after"])

    op.create_table(
        "mail_templates",
        *_organization("mail_templates"),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        *_row_columns(),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_mail_templates_organization_id"), "mail_templates", ["organization_id"]
    )
    op.create_index(
        op.f("ix_mail_templates_organization_id_mail_templates_kind_mail_templates_locale"),
        "mail_templates",
        ["organization_id", "kind", "locale"],
        unique=True,
    )

    op.create_table(
        "unsubscribes",
        *_organization("unsubscribes"),
        sa.Column("email_normalized", sa.String(length=254), nullable=False),
        *_row_columns(),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_unsubscribes_organization_id"), "unsubscribes", ["organization_id"])
    op.create_index(
        op.f("ix_unsubscribes_organization_id_unsubscribes_email_normalized"),
        "unsubscribes",
        ["organization_id", "email_normalized"],
        unique=True,
    )

    # Plain add_column: no batch rebuild of a table that may be large.
    op.add_column("events", sa.Column("dispatched_at", STAMP, nullable=True))
    op.execute(sa.text("UPDATE events SET dispatched_at = CURRENT_TIMESTAMP"))
    op.create_index(op.f("ix_events_dispatched_at_events_id"), "events", ["dispatched_at", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_events_dispatched_at_events_id"), table_name="events")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("dispatched_at")
    op.drop_table("unsubscribes")
    op.drop_table("mail_templates")
    op.drop_table("mails")
