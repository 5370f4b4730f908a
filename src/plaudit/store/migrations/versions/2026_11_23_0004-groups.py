"""groups: skill categories (a fixed, seeded list) and collections of groups

Revision ID: 0004_groups
Revises: 0001
Create Date: 2026-11-23 10:04:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision: str = "0004_groups"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids follow this order (1 is "Business & Management"); append, never reorder.
SKILL_CATEGORIES = (
    "Business & Management",
    "Computer Science & IT",
    "Data & Analytics",
    "Design & Creative Arts",
    "Education & Training",
    "Engineering",
    "Finance & Accounting",
    "Health & Medicine",
    "Hospitality & Tourism",
    "Human Resources",
    "Languages & Communication",
    "Law & Compliance",
    "Manufacturing & Trades",
    "Marketing & Sales",
    "Personal Development",
    "Project Management",
    "Safety & Security",
    "Science",
    "Social Sciences",
    "Sustainability & Environment",
    "Other",
)

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    skill_categories = op.create_table(
        "skill_categories",
        sa.Column("name", sa.String(length=255), nullable=False),
        *_row_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_skill_categories_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_skill_categories_uuid")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        skill_categories,
        [
            {"id": number, "uuid": uuid4(), "name": name, "created_at": now, "updated_at": now}
            for number, name in enumerate(SKILL_CATEGORIES, start=1)
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids do not move the sequence; keep it past them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('skill_categories', 'id'), "
            "(SELECT max(id) FROM skill_categories))"
        )

    op.create_table(
        "collections",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_collections_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("uuid", name=op.f("uq_collections_uuid")),
    )
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collections_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "achievement_collections",
        sa.Column("achievement_id", ID, nullable=False),
        sa.Column("collection_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_achievement_collections_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_achievement_collections_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "achievement_id", "collection_id", name=op.f("pk_achievement_collections")
        ),
    )
    with op.batch_alter_table("achievement_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_achievement_collections_collection_id"),
            ["collection_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("achievement_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievement_collections_collection_id"))
    op.drop_table("achievement_collections")
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collections_organization_id"))
    op.drop_table("collections")
    op.drop_table("skill_categories")
