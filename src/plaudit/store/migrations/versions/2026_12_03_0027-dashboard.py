"""The issuer dashboard (issue 15): team members' roles, passwords and lockout; their sessions,
one-time links, single sign-on connections and identities; spreadsheet imports; and the
organization's logo and colours.

Revision ID: 0027_dashboard
Revises: 0026_event_dispatch_leases
Create Date: 2026-12-03 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_dashboard"
down_revision: str | Sequence[str] | None = "0026_event_dispatch_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)


def _row_columns(table: str) -> list[sa.Column | sa.Constraint]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f(f"fk_{table}_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{table}_uuid")),
    ]


def _member_fk(
    table: str, *, nullable: bool, ondelete: str = "CASCADE"
) -> list[sa.Column | sa.Constraint]:
    return [
        sa.Column("team_member_id", ID, nullable=nullable),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_members.id"],
            name=op.f(f"fk_{table}_team_member_id_team_members"),
            ondelete=ondelete,
        ),
    ]


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "sso_connections",
        *_row_columns("sso_connections"),
        sa.Column("protocol", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("default_role", sa.String(length=16), nullable=False),
        sa.Column("allowed_domains", JSON, nullable=True),
        sa.Column("settings", JSON, nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(length=1024), nullable=True),
        sqlite_autoincrement=True,
    )
    _index("sso_connections", "organization_id")

    op.create_table(
        "dashboard_sessions",
        *_row_columns("dashboard_sessions"),
        *_member_fk("dashboard_sessions", nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("last_seen_at", STAMP, nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_sessions_token_hash")),
        sqlite_autoincrement=True,
    )
    for column in ("expires_at", "organization_id", "team_member_id"):
        _index("dashboard_sessions", column)

    op.create_table(
        "one_time_links",
        *_row_columns("one_time_links"),
        *_member_fk("one_time_links", nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("used_at", STAMP, nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_links_token_hash")),
        sqlite_autoincrement=True,
    )
    for column in ("organization_id", "team_member_id"):
        _index("one_time_links", column)

    op.create_table(
        "team_member_identities",
        *_row_columns("team_member_identities"),
        *_member_fk("team_member_identities", nullable=False),
        sa.Column("sso_connection_id", ID, nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["sso_connection_id"],
            ["sso_connections.id"],
            name=op.f("fk_team_member_identities_sso_connection_id_sso_connections"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "sso_connection_id",
            "subject",
            name=op.f("uq_team_member_identities_sso_connection_id_subject"),
        ),
        sqlite_autoincrement=True,
    )
    for column in ("organization_id", "team_member_id"):
        _index("team_member_identities", column)

    op.create_table(
        "dashboard_imports",
        *_row_columns("dashboard_imports"),
        *_member_fk("dashboard_imports", nullable=True, ondelete="SET NULL"),
        sa.Column("achievement_id", ID, nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("columns", JSON, nullable=False),
        sa.Column("rows", JSON, nullable=False),
        sa.Column("mapping", JSON, nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("row_errors", JSON, nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("started_at", STAMP, nullable=True),
        sa.Column("finished_at", STAMP, nullable=True),
        sa.Column("credential_ids", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_dashboard_imports_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sqlite_autoincrement=True,
    )
    for column in ("achievement_id", "organization_id", "team_member_id"):
        _index("dashboard_imports", column)

    op.add_column("organizations", sa.Column("logo", sa.LargeBinary(), nullable=True))
    op.add_column("organizations", sa.Column("logo_media_type", sa.String(32), nullable=True))
    op.add_column("organizations", sa.Column("logo_sha256", sa.String(64), nullable=True))
    op.add_column("organizations", sa.Column("primary_color", sa.String(7), nullable=True))
    op.add_column("organizations", sa.Column("accent_color", sa.String(7), nullable=True))
    op.add_column(
        "team_members",
        sa.Column("role", sa.String(16), server_default="viewer", nullable=False),
    )
    op.add_column("team_members", sa.Column("password_hash", sa.String(255), nullable=True))
    op.add_column(
        "team_members",
        sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("team_members", sa.Column("locked_until", STAMP, nullable=True))
    op.add_column("team_members", sa.Column("signed_in_at", STAMP, nullable=True))


def downgrade() -> None:
    for column in ("signed_in_at", "locked_until", "failed_sign_ins", "password_hash", "role"):
        with op.batch_alter_table("team_members") as batch:
            batch.drop_column(column)
    with op.batch_alter_table("organizations") as batch:
        for column in ("accent_color", "primary_color", "logo_sha256", "logo_media_type", "logo"):
            batch.drop_column(column)
    for table in (
        "dashboard_imports",
        "team_member_identities",
        "one_time_links",
        "dashboard_sessions",
        "sso_connections",
    ):
        op.drop_table(table)
