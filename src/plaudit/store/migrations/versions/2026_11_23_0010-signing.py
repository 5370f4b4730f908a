"""signing: organizations' keys, signed credentials, status lists

Revision ID: 0010_signing
Revises: 0007_merge_issue3
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_signing"
down_revision: str | Sequence[str] | None = "0007_merge_issue3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _organization_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organizations.id"],
        name=op.f(f"fk_{table}_organization_id_organizations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite needs no table rebuild for it.
    op.add_column(
        "organizations",
        sa.Column("did_method", sa.String(length=8), nullable=False, server_default="web"),
    )

    op.create_table(
        "signing_keys",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("private_key_ciphertext", sa.LargeBinary(length=64), nullable=False),
        sa.Column("encryption_key_id", sa.String(length=16), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        *_row_columns(),
        _organization_key("signing_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("uuid", name=op.f("uq_signing_keys_uuid")),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signing_keys_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signing_keys_organization_id_signing_keys_sequence"),
            ["organization_id", "sequence"],
            unique=True,
        )

    op.create_table(
        "signed_credentials",
        sa.Column("credential_id", ID, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("jwt", sa.Text(), nullable=False),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_signed_credentials_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_credentials")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_signed_credentials_credential_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_signed_credentials_uuid")),
    )

    op.create_table(
        "status_entries",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("list_number", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("credential_id", ID, nullable=True),
        sa.Column("credential_encoded_id", sa.String(length=32), nullable=False),
        sa.Column("credential_uuid", sa.Uuid(), nullable=False),
        sa.Column("is_set", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        *_row_columns(),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_status_entries_credential_id_credentials"),
            ondelete="SET NULL",
        ),
        _organization_key("status_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_entries")),
        sa.UniqueConstraint("uuid", name=op.f("uq_status_entries_uuid")),
    )
    with op.batch_alter_table("status_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_entries_credential_encoded_id"),
            ["credential_encoded_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_status_entries_credential_uuid"), ["credential_uuid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_status_entries_credential_id_status_entries_purpose"),
            ["credential_id", "purpose"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f("ix_status_entries_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f(
                "ix_status_entries_organization_id_status_entries_purpose_status_entries_"
                "list_number_status_entries_index"
            ),
            ["organization_id", "purpose", "list_number", "index"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f(
                "ix_status_entries_organization_id_status_entries_purpose_status_entries_"
                "list_number_status_entries_is_set"
            ),
            ["organization_id", "purpose", "list_number", "is_set"],
            unique=False,
        )

    op.create_table(
        "status_lists",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("list_number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("jwt", sa.Text(), nullable=True),
        *_row_columns(),
        _organization_key("status_lists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
        sa.UniqueConstraint("uuid", name=op.f("uq_status_lists_uuid")),
    )
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_lists_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f(
                "ix_status_lists_organization_id_status_lists_purpose_status_lists_list_number"
            ),
            ["organization_id", "purpose", "list_number"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f(
                "ix_status_lists_organization_id_status_lists_purpose_status_lists_list_number"
            )
        )
        batch_op.drop_index(batch_op.f("ix_status_lists_organization_id"))
    op.drop_table("status_lists")
    with op.batch_alter_table("status_entries", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f(
                "ix_status_entries_organization_id_status_entries_purpose_status_entries_"
                "list_number_status_entries_is_set"
            )
        )
        batch_op.drop_index(
            batch_op.f(
                "ix_status_entries_organization_id_status_entries_purpose_status_entries_"
                "list_number_status_entries_index"
            )
        )
        batch_op.drop_index(batch_op.f("ix_status_entries_organization_id"))
        batch_op.drop_index(batch_op.f("ix_status_entries_credential_id_status_entries_purpose"))
        batch_op.drop_index(batch_op.f("ix_status_entries_credential_uuid"))
        batch_op.drop_index(batch_op.f("ix_status_entries_credential_encoded_id"))
    op.drop_table("status_entries")
    op.drop_table("signed_credentials")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_keys_organization_id_signing_keys_sequence"))
        batch_op.drop_index(batch_op.f("ix_signing_keys_organization_id"))
    op.drop_table("signing_keys")
    op.drop_column("organizations", "did_method")
