"""Open edX catalog (issue 12): programs, courses, course runs, which runs count towards which
program, and course run certificates. Program and course certificates each point at the Plaudit
achievement their credentials are issued in.

Revision ID: 0020_openedx_catalog
Revises: 0019_openedx_sites
Create Date: 2026-12-02 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_openedx_catalog"
down_revision: str | Sequence[str] | None = "0019_openedx_sites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "openedx_courses",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("course_uuid", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
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
            name=op.f("fk_openedx_courses_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openedx_courses")),
        sa.UniqueConstraint("uuid", name=op.f("uq_openedx_courses_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_courses_organization_id"),
        "openedx_courses",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_openedx_courses_organization_id_openedx_courses_course_uuid"),
        "openedx_courses",
        ["organization_id", "course_uuid"],
        unique=True,
    )
    op.create_table(
        "openedx_course_runs",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("run_uuid", sa.Uuid(), nullable=True),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
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
            ["course_id"],
            ["openedx_courses.id"],
            name=op.f("fk_openedx_course_runs_course_id_openedx_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_openedx_course_runs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openedx_course_runs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_openedx_course_runs_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_course_runs_course_id"), "openedx_course_runs", ["course_id"], unique=False
    )
    op.create_index(
        op.f("ix_openedx_course_runs_organization_id"),
        "openedx_course_runs",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_openedx_course_runs_organization_id_openedx_course_runs_key"),
        "openedx_course_runs",
        ["organization_id", "key"],
        unique=True,
    )
    op.create_index(
        op.f("ix_openedx_course_runs_run_uuid"), "openedx_course_runs", ["run_uuid"], unique=False
    )
    op.create_table(
        "openedx_course_certificates",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("course_run_key", sa.String(length=255), nullable=False),
        sa.Column("certificate_type", sa.String(length=32), nullable=False),
        sa.Column("certificate_available_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "achievement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
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
            name=op.f("fk_openedx_course_certificates_achievement_id_achievements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_openedx_course_certificates_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openedx_course_certificates")),
        sa.UniqueConstraint("uuid", name=op.f("uq_openedx_course_certificates_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_course_certificates_achievement_id"),
        "openedx_course_certificates",
        ["achievement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_openedx_course_certificates_organization_id"),
        "openedx_course_certificates",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f(
            "ix_openedx_course_certificates_organization_id_openedx_course_certificates_course_run_key_openedx_course_certificates_certificate_type"
        ),
        "openedx_course_certificates",
        ["organization_id", "course_run_key", "certificate_type"],
        unique=True,
    )
    op.create_table(
        "openedx_programs",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("program_uuid", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("program_type", sa.String(length=64), nullable=True),
        sa.Column("authoring_organizations", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "achievement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
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
            name=op.f("fk_openedx_programs_achievement_id_achievements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_openedx_programs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openedx_programs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_openedx_programs_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_programs_achievement_id"),
        "openedx_programs",
        ["achievement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_openedx_programs_organization_id"),
        "openedx_programs",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_openedx_programs_organization_id_openedx_programs_program_uuid"),
        "openedx_programs",
        ["organization_id", "program_uuid"],
        unique=True,
    )
    op.create_table(
        "openedx_program_course_runs",
        sa.Column(
            "program_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "course_run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
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
            ["course_run_id"],
            ["openedx_course_runs.id"],
            name=op.f("fk_openedx_program_course_runs_course_run_id_openedx_course_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["openedx_programs.id"],
            name=op.f("fk_openedx_program_course_runs_program_id_openedx_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openedx_program_course_runs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_openedx_program_course_runs_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_openedx_program_course_runs_course_run_id"),
        "openedx_program_course_runs",
        ["course_run_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_openedx_program_course_runs_program_id_openedx_program_course_runs_course_run_id"),
        "openedx_program_course_runs",
        ["program_id", "course_run_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_openedx_program_course_runs_program_id_openedx_program_course_runs_course_run_id"),
        table_name="openedx_program_course_runs",
    )
    op.drop_index(
        op.f("ix_openedx_program_course_runs_course_run_id"),
        table_name="openedx_program_course_runs",
    )
    op.drop_table("openedx_program_course_runs")
    op.drop_index(
        op.f("ix_openedx_programs_organization_id_openedx_programs_program_uuid"),
        table_name="openedx_programs",
    )
    op.drop_index(op.f("ix_openedx_programs_organization_id"), table_name="openedx_programs")
    op.drop_index(op.f("ix_openedx_programs_achievement_id"), table_name="openedx_programs")
    op.drop_table("openedx_programs")
    op.drop_index(
        op.f(
            "ix_openedx_course_certificates_organization_id_openedx_course_certificates_course_run_key_openedx_course_certificates_certificate_type"
        ),
        table_name="openedx_course_certificates",
    )
    op.drop_index(
        op.f("ix_openedx_course_certificates_organization_id"),
        table_name="openedx_course_certificates",
    )
    op.drop_index(
        op.f("ix_openedx_course_certificates_achievement_id"),
        table_name="openedx_course_certificates",
    )
    op.drop_table("openedx_course_certificates")
    op.drop_index(op.f("ix_openedx_course_runs_run_uuid"), table_name="openedx_course_runs")
    op.drop_index(
        op.f("ix_openedx_course_runs_organization_id_openedx_course_runs_key"),
        table_name="openedx_course_runs",
    )
    op.drop_index(op.f("ix_openedx_course_runs_organization_id"), table_name="openedx_course_runs")
    op.drop_index(op.f("ix_openedx_course_runs_course_id"), table_name="openedx_course_runs")
    op.drop_table("openedx_course_runs")
    op.drop_index(
        op.f("ix_openedx_courses_organization_id_openedx_courses_course_uuid"),
        table_name="openedx_courses",
    )
    op.drop_index(op.f("ix_openedx_courses_organization_id"), table_name="openedx_courses")
    op.drop_table("openedx_courses")
