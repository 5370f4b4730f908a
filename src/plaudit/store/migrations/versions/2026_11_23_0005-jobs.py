"""jobs (the outbox), data exports and their files, analytics events

Revision ID: 0005_jobs
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_jobs"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("organization_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=128), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_jobs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_jobs_uuid")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jobs_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_jobs_state_jobs_run_after"), ["state", "run_after"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_jobs_state_jobs_locked_until"), ["state", "locked_until"], unique=False
        )

    op.create_table(
        "data_exports",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("department_id", ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_data_exports_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_data_exports_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
        sa.UniqueConstraint("uuid", name=op.f("uq_data_exports_uuid")),
    )
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_exports_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_data_exports_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "data_export_files",
        sa.Column("data_export_id", ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["data_export_id"],
            ["data_exports.id"],
            name=op.f("fk_data_export_files_data_export_id_data_exports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_export_files")),
        sa.UniqueConstraint("uuid", name=op.f("uq_data_export_files_uuid")),
    )
    with op.batch_alter_table("data_export_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_export_files_data_export_id_data_export_files_year"),
            ["data_export_id", "year"],
            unique=True,
        )

    op.create_table(
        "analytics_events",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("by_recipient", sa.Boolean(), nullable=False),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_analytics_events_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_analytics_events_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_events")),
        sa.UniqueConstraint("uuid", name=op.f("uq_analytics_events_uuid")),
    )
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_analytics_events_credential_id_analytics_events_created_at"),
            ["credential_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_analytics_events_organization_id_analytics_events_created_at"),
            ["organization_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_analytics_events_organization_id_analytics_events_created_at")
        )
        batch_op.drop_index(
            batch_op.f("ix_analytics_events_credential_id_analytics_events_created_at")
        )

    op.drop_table("analytics_events")
    with op.batch_alter_table("data_export_files", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_data_export_files_data_export_id_data_export_files_year")
        )

    op.drop_table("data_export_files")
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_exports_organization_id"))
        batch_op.drop_index(batch_op.f("ix_data_exports_department_id"))

    op.drop_table("data_exports")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_state_jobs_locked_until"))
        batch_op.drop_index(batch_op.f("ix_jobs_state_jobs_run_after"))
        batch_op.drop_index(batch_op.f("ix_jobs_organization_id"))

    op.drop_table("jobs")
