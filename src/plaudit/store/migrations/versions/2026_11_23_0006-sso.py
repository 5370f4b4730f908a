"""single sign-on codes

Revision ID: 0006_sso
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_sso"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sso_codes",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wallet_view", sa.Boolean(), nullable=False),
        sa.Column("embed", sa.Boolean(), nullable=False),
        sa.Column("redirect_to", sa.String(length=2048), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_sso_codes_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sso_codes_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_sso_codes_code_hash")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sso_codes_uuid")),
    )
    with op.batch_alter_table("sso_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sso_codes_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sso_codes_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sso_codes_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sso_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_codes_organization_id"))
        batch_op.drop_index(batch_op.f("ix_sso_codes_expires_at"))
        batch_op.drop_index(batch_op.f("ix_sso_codes_credential_id"))
    op.drop_table("sso_codes")
