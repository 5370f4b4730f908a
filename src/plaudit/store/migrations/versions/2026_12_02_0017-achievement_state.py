"""achievement state: draft, active or archived (Credly's badge template states, issue 11)

Every existing achievement is active.

Revision ID: 0017_achievement_state
Revises: 0016_organization_webhook_url
Create Date: 2026-12-02 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_achievement_state"
down_revision: str | Sequence[str] | None = "0016_organization_webhook_url"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="active")
        )


def downgrade() -> None:
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_column("state")
