"""organization webhook_url: where an organization's Credly-style event notifications go

Credly registers a webhook by PUTting `webhook_url` on the organization (issue 11); nullable,
no organization has one yet.

Revision ID: 0016_organization_webhook_url
Revises: 0015_organization_dids
Create Date: 2026-12-02 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_organization_webhook_url"
down_revision: str | Sequence[str] | None = "0015_organization_dids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_url", sa.String(length=2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("webhook_url")
