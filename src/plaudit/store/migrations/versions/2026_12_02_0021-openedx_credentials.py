"""Open edX credentials (issue 12): learners and their program / course run credentials.

Revision ID: 0021_openedx_credentials
Revises: 0020_openedx_catalog
Create Date: 2026-12-02 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_openedx_credentials"
down_revision: str | Sequence[str] | None = "0020_openedx_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _row_columns(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{table}_uuid")),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "openedx_learners",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("lms_user_id", ID, nullable=True),
        *_row_columns("openedx_learners"),
        _fk("openedx_learners", "organization_id", "organizations"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_learners_organization_id"), "openedx_learners", ["organization_id"]
    )
    op.create_index(
        op.f("ix_openedx_learners_organization_id_openedx_learners_username"),
        "openedx_learners",
        ["organization_id", "username"],
        unique=True,
    )
    op.create_index(op.f("ix_openedx_learners_lms_user_id"), "openedx_learners", ["lms_user_id"])
    table = "openedx_user_credentials"
    op.create_table(
        table,
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("program_id", ID, nullable=True),
        sa.Column("course_certificate_id", ID, nullable=True),
        sa.Column("attributes", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("visible_date", sa.String(length=255), nullable=True),
        sa.Column("date_override", sa.Date(), nullable=True),
        *_row_columns(table),
        _fk(table, "organization_id", "organizations"),
        _fk(table, "credential_id", "credentials"),
        _fk(table, "learner_id", "openedx_learners"),
        _fk(table, "program_id", "openedx_programs"),
        _fk(table, "course_certificate_id", "openedx_course_certificates"),
        sa.UniqueConstraint("credential_id", name=op.f(f"uq_{table}_credential_id")),
        sqlite_autoincrement=True,
    )
    for columns, unique in (
        (["organization_id"], False),
        (["learner_id"], False),
        (["program_id"], False),
        (["course_certificate_id"], False),
        (["learner_id", "program_id"], True),
        (["learner_id", "course_certificate_id"], True),
        (["organization_id", "id"], False),
    ):
        name = "_".join(f"{table}_{column}" for column in columns)
        op.create_index(op.f(f"ix_{name}"), table, columns, unique=unique)


def downgrade() -> None:
    op.drop_table("openedx_user_credentials")
    op.drop_table("openedx_learners")
