"""Open edX sites (issue 12): the Open edX deployments connected to organizations.

Revision ID: 0019_openedx_sites
Revises: 0018_credly_badges
Create Date: 2026-12-02 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_openedx_sites"
down_revision: str | Sequence[str] | None = "0018_credly_badges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "openedx_sites",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("jwt_issuer", sa.String(length=255), nullable=False),
        sa.Column("jwt_audience", sa.String(length=255), nullable=False),
        sa.Column("jwt_secret_ciphertext", sa.LargeBinary(length=2048), nullable=False),
        sa.Column("encryption_key_id", sa.String(length=16), nullable=False),
        sa.Column("service_username", sa.String(length=255), nullable=True),
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
            name=op.f("fk_openedx_sites_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openedx_sites")),
        sa.UniqueConstraint("jwt_issuer", name=op.f("uq_openedx_sites_jwt_issuer")),
        sa.UniqueConstraint("uuid", name=op.f("uq_openedx_sites_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_sites_organization_id"), "openedx_sites", ["organization_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_openedx_sites_organization_id"), table_name="openedx_sites")
    op.drop_table("openedx_sites")
