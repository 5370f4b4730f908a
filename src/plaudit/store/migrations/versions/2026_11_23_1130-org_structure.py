"""organization structure: department branding, attribute keys, team members

Revision ID: 0003_org_structure
Revises: 0001
Create Date: 2026-11-23 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_org_structure"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _row_columns() -> list[sa.Column]:
    """The columns every table shares (plaudit.store.tables.Row)."""
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("page_banner", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("whitelabel_logo", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("linkedin_company_id", sa.String(length=255), nullable=True))

    op.create_table(
        "attribute_keys",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("department_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_attribute_keys_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_attribute_keys_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute_keys")),
        sa.UniqueConstraint("uuid", name=op.f("uq_attribute_keys_uuid")),
    )
    with op.batch_alter_table("attribute_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attribute_keys_department_id_attribute_keys_name"),
            ["department_id", "name"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f("ix_attribute_keys_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "team_members",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_normalized", sa.String(length=254), nullable=False),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_team_members_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
        sa.UniqueConstraint("uuid", name=op.f("uq_team_members_uuid")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_members_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_team_members_organization_id_team_members_email_normalized"),
            ["organization_id", "email_normalized"],
            unique=True,
        )

    op.create_table(
        "team_member_permissions",
        sa.Column("team_member_id", ID, nullable=False),
        sa.Column("department_id", ID, nullable=False),
        sa.Column("designs", sa.Boolean(), nullable=False),
        sa.Column("emails", sa.Boolean(), nullable=False),
        sa.Column("credential_attributes", sa.Boolean(), nullable=False),
        sa.Column("analytics", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("group_ids", sa.JSON(none_as_null=True), nullable=True),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_team_member_permissions_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_members.id"],
            name=op.f("fk_team_member_permissions_team_member_id_team_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_member_permissions")),
        sa.UniqueConstraint(
            "team_member_id",
            "department_id",
            name=op.f("uq_team_member_permissions_team_member_id_department_id"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_team_member_permissions_uuid")),
    )
    with op.batch_alter_table("team_member_permissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_member_permissions_department_id"), ["department_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("team_member_permissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_member_permissions_department_id"))

    op.drop_table("team_member_permissions")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_team_members_organization_id_team_members_email_normalized")
        )
        batch_op.drop_index(batch_op.f("ix_team_members_organization_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("attribute_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attribute_keys_organization_id"))
        batch_op.drop_index(batch_op.f("ix_attribute_keys_department_id_attribute_keys_name"))

    op.drop_table("attribute_keys")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("linkedin_company_id")
        batch_op.drop_column("whitelabel_logo")
        batch_op.drop_column("page_banner")
        batch_op.drop_column("logo")
