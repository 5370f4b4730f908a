"""reading many credentials: an index for every search filter and sort

Revision ID: 0002_reading
Revises: 0001
Create Date: 2026-11-23 10:02:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_reading"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, columns), named as the metadata's naming convention names them; op.f() lets
# PostgreSQL shorten the long ones to 63 characters exactly as the metadata does.
INDEXES = (
    ("ix_credentials_organization_id_credentials_id", ["organization_id", "id"]),
    (
        "ix_credentials_organization_id_credentials_recipient_name_credentials_id",
        ["organization_id", "recipient_name", "id"],
    ),
    (
        "ix_credentials_organization_id_credentials_issued_on_credentials_id",
        ["organization_id", "issued_on", "id"],
    ),
    (
        "ix_credentials_organization_id_credentials_expired_on_credentials_id",
        ["organization_id", "expired_on", "id"],
    ),
    (
        "ix_credentials_achievement_id_credentials_issued_on_credentials_id",
        ["achievement_id", "issued_on", "id"],
    ),
    ("ix_credentials_organization_id_credentials_created_at", ["organization_id", "created_at"]),
    ("ix_credentials_organization_id_credentials_approve", ["organization_id", "approve"]),
)


def upgrade() -> None:
    # Plain CREATE INDEX, not a batch: on SQLite a batch would copy the whole table.
    for name, columns in INDEXES:
        op.create_index(op.f(name), "credentials", columns, unique=False)


def downgrade() -> None:
    for name, _columns in reversed(INDEXES):
        op.drop_index(op.f(name), table_name="credentials")
