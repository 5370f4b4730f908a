"""pages (issue 4/5 area; filled in by the area's owner)

Revision ID: 0012_pages
Revises: 0007_merge_issue3
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence

revision: str = "0012_pages"
down_revision: str | Sequence[str] | None = "0007_merge_issue3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
