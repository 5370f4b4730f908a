"""merge the issue 3 areas into one history

Revision ID: 0007_merge_issue3
Revises: 0002_reading, 0003_org_structure, 0004_groups, 0005_jobs, 0006_sso
Create Date: 2026-11-23 10:20:00
"""

from collections.abc import Sequence

revision: str = "0007_merge_issue3"
down_revision: str | Sequence[str] | None = (
    "0002_reading",
    "0003_org_structure",
    "0004_groups",
    "0005_jobs",
    "0006_sso",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
