"""one index for a group's credentials by issue date, tenant first (issue 13)

A v2 search for one group and an issue-date range counted its matches through the
(organization_id, issued_on) index, one table row per credential of the whole organization in
the range: 450 ms at a million credentials. (organization_id, achievement_id, issued_on, id)
holds every column that search filters and sorts on, so the count reads only the group's
entries and the page the first 51 of them in order. It replaces (achievement_id, issued_on, id),
which every query that used it reaches through the new index (they all name the organization).

Revision ID: 0023_group_search_index
Revises: 0022_openedx_grades
Create Date: 2026-12-03 07:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023_group_search_index"
down_revision: str | Sequence[str] | None = "0022_openedx_grades"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Named as the metadata's naming convention names them; op.f() lets PostgreSQL shorten the long
# ones to 63 characters exactly as the metadata does.
NEW = (
    "ix_credentials_organization_id_credentials_achievement_id_credentials_issued_on_credentials_id",
    ["organization_id", "achievement_id", "issued_on", "id"],
)
OLD = (
    "ix_credentials_achievement_id_credentials_issued_on_credentials_id",
    ["achievement_id", "issued_on", "id"],
)


def upgrade() -> None:
    # Plain CREATE/DROP INDEX, not a batch: on SQLite a batch would copy the whole table.
    op.create_index(op.f(NEW[0]), "credentials", NEW[1], unique=False)
    op.drop_index(op.f(OLD[0]), table_name="credentials")


def downgrade() -> None:
    op.create_index(op.f(OLD[0]), "credentials", OLD[1], unique=False)
    op.drop_index(op.f(NEW[0]), table_name="credentials")
