"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 08:54:52.867307
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("credits_remaining", sa.Integer(), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("uuid", name=op.f("uq_organizations_uuid")),
    )
    op.create_table(
        "departments",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("meta_data", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("generate_private_credential", sa.Boolean(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
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
            name=op.f("fk_departments_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_departments_uuid")),
    )
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_departments_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "api_keys",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
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
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_api_keys_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_api_keys_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
        sa.UniqueConstraint("uuid", name=op.f("uq_api_keys_uuid")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_keys_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_api_keys_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "designs",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
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
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_designs_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_designs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_designs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_designs_uuid")),
    )
    with op.batch_alter_table("designs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_designs_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_designs_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "achievements",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("course_name", sa.String(length=255), nullable=False),
        sa.Column("course_description", sa.Text(), nullable=False),
        sa.Column("course_link", sa.String(length=2048), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("attach_pdf", sa.Boolean(), nullable=False),
        sa.Column("blockchain", sa.Boolean(), nullable=False),
        sa.Column(
            "certificate_design_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "badge_design_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "primary_design_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("meta_data", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("learning_outcomes", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("generate_private_credential", sa.Boolean(), nullable=True),
        sa.Column("auto_expiry", sa.Integer(), nullable=True),
        sa.Column("signup_url", sa.String(length=2048), nullable=True),
        sa.Column("signup_url_show", sa.Boolean(), nullable=True),
        sa.Column("course_link_show", sa.Boolean(), nullable=True),
        sa.Column("organization_link_show", sa.Boolean(), nullable=True),
        sa.Column("allow_duplicate_credentials", sa.Boolean(), nullable=False),
        sa.Column("skill_category_id", sa.Integer(), nullable=True),
        sa.Column("achievement_type", sa.String(length=64), nullable=True),
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
            ["badge_design_id"],
            ["designs.id"],
            name=op.f("fk_achievements_badge_design_id_designs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["certificate_design_id"],
            ["designs.id"],
            name=op.f("fk_achievements_certificate_design_id_designs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_achievements_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_achievements_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["primary_design_id"],
            ["designs.id"],
            name=op.f("fk_achievements_primary_design_id_designs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
        sa.UniqueConstraint("uuid", name=op.f("uq_achievements_uuid")),
    )
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_achievements_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_achievements_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_achievements_organization_id_achievements_name"),
            ["organization_id", "name"],
            unique=False,
        )

    op.create_table(
        "credentials",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "achievement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("encoded_id", sa.String(length=32), nullable=False),
        sa.Column("license_id", sa.String(length=255), nullable=True),
        sa.Column("duplicate_key", sa.String(length=254), nullable=True),
        sa.Column("recipient_name", sa.String(length=255), nullable=False),
        sa.Column("recipient_email", sa.String(length=254), nullable=False),
        sa.Column("recipient_email_normalized", sa.String(length=254), nullable=False),
        sa.Column("recipient_external_id", sa.String(length=255), nullable=True),
        sa.Column("recipient_phone_number", sa.String(length=32), nullable=True),
        sa.Column("recipient_meta_data", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expired_on", sa.Date(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("grade", sa.String(length=255), nullable=True),
        sa.Column("custom_attributes", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("meta_data", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("allow_supplemental_evidence", sa.Boolean(), nullable=False),
        sa.Column("allow_supplemental_references", sa.Boolean(), nullable=False),
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
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_credentials_achievement_id_achievements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_credentials_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_credentials_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("encoded_id", name=op.f("uq_credentials_encoded_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_credentials_uuid")),
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credentials_achievement_id"), ["achievement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_achievement_id_credentials_duplicate_key"),
            ["achievement_id", "duplicate_key"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_organization_id_credentials_issued_on"),
            ["organization_id", "issued_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_organization_id_credentials_license_id"),
            ["organization_id", "license_id"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_organization_id_credentials_recipient_email_normalized"),
            ["organization_id", "recipient_email_normalized"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_organization_id_credentials_recipient_external_id"),
            ["organization_id", "recipient_external_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credentials_organization_id_credentials_updated_at"),
            ["organization_id", "updated_at"],
            unique=False,
        )

    op.create_table(
        "credential_references",
        sa.Column(
            "credential_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("relationship", sa.String(length=16), nullable=False),
        sa.Column("referee_name", sa.String(length=255), nullable=True),
        sa.Column("referee_email", sa.String(length=254), nullable=True),
        sa.Column("referee_avatar", sa.String(length=2048), nullable=True),
        sa.Column("referee_url", sa.String(length=2048), nullable=True),
        sa.Column("supplemental", sa.Boolean(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
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
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_references_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_references")),
        sa.UniqueConstraint("uuid", name=op.f("uq_credential_references_uuid")),
    )
    with op.batch_alter_table("credential_references", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credential_references_credential_id"), ["credential_id"], unique=False
        )

    op.create_table(
        "evidence_items",
        sa.Column(
            "credential_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("link_url", sa.String(length=2048), nullable=True),
        sa.Column("preview_image_url", sa.String(length=2048), nullable=True),
        sa.Column("string_object", sa.Text(), nullable=True),
        sa.Column("supplemental", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
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
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_evidence_items_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_items")),
        sa.UniqueConstraint("uuid", name=op.f("uq_evidence_items_uuid")),
    )
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_items_credential_id"), ["credential_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_items_credential_id"))

    op.drop_table("evidence_items")
    with op.batch_alter_table("credential_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_references_credential_id"))

    op.drop_table("credential_references")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_organization_id_credentials_updated_at"))
        batch_op.drop_index(
            batch_op.f("ix_credentials_organization_id_credentials_recipient_external_id")
        )
        batch_op.drop_index(
            batch_op.f("ix_credentials_organization_id_credentials_recipient_email_normalized")
        )
        batch_op.drop_index(batch_op.f("ix_credentials_organization_id_credentials_license_id"))
        batch_op.drop_index(batch_op.f("ix_credentials_organization_id_credentials_issued_on"))
        batch_op.drop_index(batch_op.f("ix_credentials_organization_id"))
        batch_op.drop_index(batch_op.f("ix_credentials_department_id"))
        batch_op.drop_index(batch_op.f("ix_credentials_achievement_id_credentials_duplicate_key"))
        batch_op.drop_index(batch_op.f("ix_credentials_achievement_id"))

    op.drop_table("credentials")
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievements_organization_id_achievements_name"))
        batch_op.drop_index(batch_op.f("ix_achievements_organization_id"))
        batch_op.drop_index(batch_op.f("ix_achievements_department_id"))

    op.drop_table("achievements")
    with op.batch_alter_table("designs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_designs_organization_id"))
        batch_op.drop_index(batch_op.f("ix_designs_department_id"))

    op.drop_table("designs")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_organization_id"))
        batch_op.drop_index(batch_op.f("ix_api_keys_department_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_organization_id"))

    op.drop_table("departments")
    op.drop_table("organizations")
