"""Analytics events counted as they are written: per organization, UTC day and achievement
(analytics_days) and per credential (credential_engagement), with the events written before
this migration counted here; a SAML request's checked answer kept until the browser that
started it takes it up (one_time_links.answer); dashboard_sessions.last_seen_at, never read,
dropped.

Revision ID: 0028_analytics_counts
Revises: 0027_dashboard
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_analytics_counts"
down_revision: str | Sequence[str] | None = "0027_dashboard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)
# A table SQLite rebuilds keeps AUTOINCREMENT: a deleted row's id is never handed out again.
_KEEP_IDS = {"sqlite_autoincrement": True}

# What services/analytics_counts.py counts, as SQL over analytics_events (alias e).
_DAY_COUNTS = """
    sum(CASE WHEN e.kind = 'view' THEN 1 ELSE 0 END),
    sum(CASE WHEN e.kind = 'share' THEN 1 ELSE 0 END),
    sum(CASE WHEN e.kind = 'share' AND e.channel = 'linkedin_profile' THEN 1 ELSE 0 END),
    sum(CASE WHEN e.kind = 'verify' THEN 1 ELSE 0 END)
"""
_UTC_DAY = {
    "sqlite": "date(e.created_at)",
    "postgresql": "CAST(timezone('UTC', e.created_at) AS DATE)",
}


def _counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def _organization_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organizations.id"],
        name=op.f(f"fk_{table}_organization_id_organizations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "analytics_days",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("achievement_id", ID, nullable=False),
        *(_counter(name) for name in ("viewed", "shared", "added_to_linkedin", "verified")),
        _organization_fk("analytics_days"),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_analytics_days_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "day", "achievement_id", name=op.f("pk_analytics_days")
        ),
    )
    op.create_index(op.f("ix_analytics_days_achievement_id"), "analytics_days", ["achievement_id"])
    op.create_table(
        "credential_engagement",
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        _counter("views"),
        _counter("shares"),
        _organization_fk("credential_engagement"),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_engagement_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_credential_engagement")),
    )
    op.create_index(
        op.f("ix_credential_engagement_organization_id"),
        "credential_engagement",
        ["organization_id"],
    )
    day = _UTC_DAY[op.get_bind().dialect.name]
    op.execute(
        f"""
        INSERT INTO analytics_days
            (organization_id, day, achievement_id, viewed, shared, added_to_linkedin, verified)
        SELECT e.organization_id, {day}, c.achievement_id, {_DAY_COUNTS}
        FROM analytics_events e JOIN credentials c ON c.id = e.credential_id
        WHERE e.kind IN ('view', 'share', 'verify')
        GROUP BY e.organization_id, {day}, c.achievement_id
        """
    )
    op.execute(
        """
        INSERT INTO credential_engagement (credential_id, organization_id, views, shares)
        SELECT e.credential_id, min(e.organization_id),
            sum(CASE WHEN e.kind = 'view' THEN 1 ELSE 0 END),
            sum(CASE WHEN e.kind = 'share' THEN 1 ELSE 0 END)
        FROM analytics_events e
        WHERE e.kind IN ('view', 'share')
        GROUP BY e.credential_id
        """
    )
    op.add_column("one_time_links", sa.Column("answer", JSON, nullable=True))
    with op.batch_alter_table("dashboard_sessions", table_kwargs=_KEEP_IDS) as batch:
        batch.drop_column("last_seen_at")


def downgrade() -> None:
    with op.batch_alter_table("one_time_links", table_kwargs=_KEEP_IDS) as batch:
        batch.drop_column("answer")
    with op.batch_alter_table("dashboard_sessions", table_kwargs=_KEEP_IDS) as batch:
        batch.add_column(
            sa.Column("last_seen_at", STAMP, nullable=False, server_default=sa.func.now())
        )
    op.drop_table("credential_engagement")
    op.drop_table("analytics_days")
