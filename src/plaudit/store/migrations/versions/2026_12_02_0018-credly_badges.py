"""Credly badges (issue 11): badge lifecycle on credentials, template fields on achievements,
Credly evidence detail, and the events table.

Existing credentials are accepted (Accredible has no acceptance step), except those already
revoked through `plaudit credentials revoke`, whose status bit says so.

Revision ID: 0018_credly_badges
Revises: 0017_achievement_state
Create Date: 2026-12-02 18:43:34.264950
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_credly_badges"
down_revision: str | Sequence[str] | None = "0017_achievement_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_USER_NAMESPACE = uuid.UUID("6d1f3c5e-2f7a-4c41-9a53-8a2f1b7e0c11")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_uuid", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_events_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("uuid", name=op.f("uq_events_uuid")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_events_organization_id_events_id"),
            ["organization_id", "id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_events_subject_uuid"), ["subject_uuid"], unique=False)

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skills", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("activities", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("alignments", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("recommendations", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("reporting_tags", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(
            sa.Column("template_details", sa.JSON(none_as_null=True), nullable=True)
        )
        batch_op.add_column(sa.Column("expiry_fixed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("expiry_period", sa.String(length=16), nullable=True))

    # Plain ALTERs, not a batch: SQLite would rebuild the table (and lose AUTOINCREMENT).
    op.add_column(
        "credentials",
        sa.Column("state", sa.String(length=16), server_default="accepted", nullable=False),
    )
    op.add_column(
        "credentials", sa.Column("state_updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("credentials", sa.Column("revocation_reason", sa.Text(), nullable=True))
    op.add_column(
        "credentials",
        sa.Column(
            "replaced_by_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
    )
    op.add_column(
        "credentials",
        sa.Column(
            "replaces_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
    )
    op.add_column("credentials", sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("credentials", sa.Column("recipient_user_uuid", sa.Uuid(), nullable=True))
    op.add_column(
        "credentials", sa.Column("recipient_first_name", sa.String(length=255), nullable=True)
    )
    op.add_column(
        "credentials", sa.Column("recipient_middle_name", sa.String(length=255), nullable=True)
    )
    op.add_column(
        "credentials", sa.Column("recipient_last_name", sa.String(length=255), nullable=True)
    )
    op.add_column("credentials", sa.Column("locale", sa.String(length=8), nullable=True))
    op.add_column(
        "credentials",
        sa.Column("suppress_notification", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("credentials", sa.Column("country_name", sa.String(length=255), nullable=True))
    op.add_column(
        "credentials", sa.Column("state_or_province", sa.String(length=255), nullable=True)
    )
    op.add_column(
        "credentials", sa.Column("duplicate_earner_key", sa.String(length=255), nullable=True)
    )
    op.create_index(
        op.f("ix_credentials_achievement_id_credentials_duplicate_earner_key"),
        "credentials",
        ["achievement_id", "duplicate_earner_key"],
        unique=True,
    )
    op.create_index(
        op.f("ix_credentials_organization_id_credentials_created_at_credentials_id"),
        "credentials",
        ["organization_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_credentials_organization_id_credentials_recipient_user_uuid"),
        "credentials",
        ["organization_id", "recipient_user_uuid"],
        unique=False,
    )
    op.create_index(
        op.f("ix_credentials_organization_id_credentials_state"),
        "credentials",
        ["organization_id", "state"],
        unique=False,
    )
    op.create_index(
        op.f("ix_credentials_replaced_by_id"), "credentials", ["replaced_by_id"], unique=False
    )

    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.JSON(none_as_null=True), nullable=True))

    _derive_user_uuids()
    op.execute(
        "UPDATE credentials SET state = 'revoked' WHERE id IN (SELECT credential_id "
        "FROM status_entries WHERE is_set AND reason = 'revoked' AND credential_id IS NOT NULL)"
    )


def _derive_user_uuids() -> None:
    """Each existing recipient's Credly user id, as domain/recipients.user_uuid derives it
    (repeated here: a migration must not change when the code does)."""
    bind = op.get_bind()
    credentials = sa.table(
        "credentials",
        sa.column("recipient_email_normalized", sa.String()),
        sa.column("recipient_user_uuid", sa.Uuid()),
    )
    emails = bind.execute(sa.select(credentials.c.recipient_email_normalized).distinct()).scalars()
    for email in list(emails):
        bind.execute(
            credentials.update()
            .where(credentials.c.recipient_email_normalized == email)
            .values(recipient_user_uuid=uuid.uuid5(_USER_NAMESPACE, email))
        )


def downgrade() -> None:
    with op.batch_alter_table(
        "evidence_items", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("detail")

    with op.batch_alter_table(
        "credentials", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_replaced_by_id"))
        batch_op.drop_index(
            batch_op.f("ix_credentials_organization_id_credentials_recipient_user_uuid")
        )
        batch_op.drop_column("recipient_user_uuid")
        batch_op.drop_index(batch_op.f("ix_credentials_organization_id_credentials_state"))
        batch_op.drop_index(
            batch_op.f("ix_credentials_organization_id_credentials_created_at_credentials_id")
        )
        batch_op.drop_index(
            batch_op.f("ix_credentials_achievement_id_credentials_duplicate_earner_key")
        )
        batch_op.drop_column("duplicate_earner_key")
        batch_op.drop_column("state_or_province")
        batch_op.drop_column("country_name")
        batch_op.drop_column("suppress_notification")
        batch_op.drop_column("locale")
        batch_op.drop_column("recipient_last_name")
        batch_op.drop_column("recipient_middle_name")
        batch_op.drop_column("recipient_first_name")
        batch_op.drop_column("issued_at")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("replaced_by_id")
        batch_op.drop_column("revocation_reason")
        batch_op.drop_column("state_updated_at")
        batch_op.drop_column("state")

    with op.batch_alter_table(
        "achievements", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("expiry_period")
        batch_op.drop_column("expiry_fixed_on")
        batch_op.drop_column("template_details")
        batch_op.drop_column("reporting_tags")
        batch_op.drop_column("recommendations")
        batch_op.drop_column("alignments")
        batch_op.drop_column("activities")
        batch_op.drop_column("skills")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_subject_uuid"))
        batch_op.drop_index(batch_op.f("ix_events_organization_id_events_id"))
        batch_op.drop_index(batch_op.f("ix_events_organization_id"))

    op.drop_table("events")
