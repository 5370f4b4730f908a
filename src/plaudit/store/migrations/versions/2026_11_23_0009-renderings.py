"""renderings: certificate and badge files cached by a hash of their inputs; PDF bundles

Revision ID: 0009_renderings
Revises: 0007_merge_issue3
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_renderings"
down_revision: str | Sequence[str] | None = "0007_merge_issue3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "renderings",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("variant", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_renderings_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_renderings_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renderings")),
        sa.UniqueConstraint("key", name=op.f("uq_renderings_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_renderings_uuid")),
    )
    with op.batch_alter_table("renderings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_renderings_credential_id_renderings_variant"),
            ["credential_id", "variant"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_renderings_organization_id"), ["organization_id"], unique=False
        )
    op.create_table(
        "pdf_bundles",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("credential_ids", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_pdf_bundles_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdf_bundles")),
        sa.UniqueConstraint("uuid", name=op.f("uq_pdf_bundles_uuid")),
    )
    with op.batch_alter_table("pdf_bundles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pdf_bundles_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pdf_bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdf_bundles_organization_id"))
    op.drop_table("pdf_bundles")
    with op.batch_alter_table("renderings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_renderings_organization_id"))
        batch_op.drop_index(batch_op.f("ix_renderings_credential_id_renderings_variant"))
    op.drop_table("renderings")
