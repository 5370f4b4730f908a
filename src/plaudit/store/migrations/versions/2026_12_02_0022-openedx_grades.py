"""Open edX grades (issue 12): each learner's grade in a course run, as the LMS last reported it.

Revision ID: 0022_openedx_grades
Revises: 0021_openedx_credentials
Create Date: 2026-12-02 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_openedx_grades"
down_revision: str | Sequence[str] | None = "0021_openedx_credentials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLE = "openedx_grades"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("course_run_key", sa.String(length=255), nullable=False),
        sa.Column("letter_grade", sa.String(length=255), nullable=False),
        sa.Column("percent_grade", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("lms_last_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f(f"fk_{TABLE}_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["openedx_learners.id"],
            name=op.f(f"fk_{TABLE}_learner_id_openedx_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{TABLE}_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f(f"ix_{TABLE}_organization_id"), TABLE, ["organization_id"])
    op.create_index(
        op.f(f"ix_{TABLE}_learner_id_{TABLE}_course_run_key"),
        TABLE,
        ["learner_id", "course_run_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table(TABLE)
