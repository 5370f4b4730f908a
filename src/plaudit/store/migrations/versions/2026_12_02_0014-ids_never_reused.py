"""ids never reused: SQLite tables keyed by an integer id become AUTOINCREMENT tables

Without AUTOINCREMENT, SQLite hands a new row max(id) + 1, so deleting the newest credential
and creating another gives the new one the old id: a client still holding it would change the
wrong person's credential. Each table is rebuilt (its rows, ids, keys and indexes kept) and
sqlite_sequence starts at its largest id. PostgreSQL's serial columns draw from sequences, which
never go back: nothing to do there.

Revision ID: 0014_ids_never_reused
Revises: 0013_merge_issue4_5
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_ids_never_reused"
down_revision: str | Sequence[str] | None = "0013_merge_issue4_5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table of this revision with an integer id, parents before children.
TABLES = (
    "organizations",
    "departments",
    "api_keys",
    "designs",
    "skill_categories",
    "achievements",
    "collections",
    "credentials",
    "evidence_items",
    "credential_references",
    "attribute_keys",
    "team_members",
    "team_member_permissions",
    "jobs",
    "sso_codes",
    "renderings",
    "pdf_bundles",
    "data_exports",
    "data_export_files",
    "analytics_events",
    "signing_keys",
    "signed_credentials",
    "status_entries",
    "status_lists",
)


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
    if op.get_bind().dialect.name == "sqlite":
        delete = sa.text("DELETE FROM sqlite_sequence WHERE name = :table")
        for table in TABLES:
            op.execute(delete.bindparams(table=table))


def _rebuild(*, autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Rebuilding drops each table; with foreign keys on, that would delete or null every row
    # that points at it. plaudit.store.migrate turns them off around the migration and checks
    # them all before it commits.
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("run this migration through plaudit.store.migrate (foreign keys on)")
    for table in TABLES:
        # Rows inserted with their ids into an AUTOINCREMENT table set its sqlite_sequence
        # entry to the largest: new ids continue after it.
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
