"""designs: the SVG template, paper layout and meta data of each design

Revision ID: 0008_designs
Revises: 0007_merge_issue3
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision: str = "0008_designs"
down_revision: str | Sequence[str] | None = "0007_merge_issue3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every design made before this revision is one of the two each organization started with
# (services/organizations.py); they become the built-in templates of those names.
BUILTIN_KEYS = {"certificate": "classic-certificate", "badge": "classic-badge"}
# The other built-in designs (plaudit.render.builtin), which new organizations get as rows too.
OTHER_BUILTINS = (
    ("modern-certificate", "Modern certificate", "certificate"),
    ("elegant-certificate", "Elegant certificate", "certificate"),
    ("shield-badge", "Shield badge", "badge"),
    ("hexagon-badge", "Hexagon badge", "badge"),
)


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch rebuild: rebuilding designs on SQLite drops the table, and
    # that sets every group's design to NULL through their SET NULL keys.
    op.add_column("designs", sa.Column("content_svg", sa.Text(), nullable=True))
    op.add_column("designs", sa.Column("builtin_key", sa.String(length=64), nullable=True))
    op.add_column(
        "designs",
        sa.Column("orientation", sa.String(length=16), server_default="landscape", nullable=False),
    )
    op.add_column(
        "designs", sa.Column("size", sa.String(length=16), server_default="a4", nullable=False)
    )
    op.add_column(
        "designs",
        sa.Column("background_bleeds", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("designs", sa.Column("meta_data", sa.JSON(), nullable=True))
    designs = sa.table("designs", sa.column("kind"), sa.column("builtin_key"))
    for kind, key in BUILTIN_KEYS.items():
        op.execute(designs.update().where(designs.c.kind == kind).values(builtin_key=key))
    _add_other_builtins()


def _add_other_builtins() -> None:
    organization_ids = op.get_bind().execute(sa.text("SELECT id FROM organizations")).scalars()
    now = datetime.now(UTC)
    rows = [
        {
            "organization_id": organization_id,
            "kind": kind,
            "name": name,
            "builtin_key": key,
            "uuid": uuid4(),
            "created_at": now,
            "updated_at": now,
        }
        for organization_id in organization_ids
        for key, name, kind in OTHER_BUILTINS
    ]
    if rows:
        op.bulk_insert(
            sa.table(
                "designs",
                sa.column("organization_id", sa.Integer()),
                sa.column("kind", sa.String()),
                sa.column("name", sa.String()),
                sa.column("builtin_key", sa.String()),
                sa.column("uuid", sa.Uuid()),
                sa.column("created_at", sa.DateTime(timezone=True)),
                sa.column("updated_at", sa.DateTime(timezone=True)),
            ),
            rows,
        )


def downgrade() -> None:
    designs = sa.table("designs", sa.column("builtin_key"), sa.column("department_id"))
    op.execute(
        designs.delete().where(
            designs.c.builtin_key.in_([key for key, _, _ in OTHER_BUILTINS]),
            designs.c.department_id.is_(None),
        )
    )
    # Plain DROP COLUMN (SQLite 3.35+), not a batch rebuild, as on the way up.
    for column in (
        "meta_data",
        "background_bleeds",
        "size",
        "orientation",
        "builtin_key",
        "content_svg",
    ):
        op.drop_column("designs", column)
