"""merge the issue 4 and 5 areas into one history

Revision ID: 0013_merge_issue4_5
Revises: 0008_designs, 0009_renderings, 0010_signing
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence

revision: str = "0013_merge_issue4_5"
down_revision: str | Sequence[str] | None = (
    "0008_designs",
    "0009_renderings",
    "0010_signing",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
