"""organization dids: the DIDs each organization issues (and issued) under, as data

An organization's did:web is made from the server's base URL, which may change, and which a
`plaudit verify` run may not know: each DID is recorded, and this server's issuers are what the
table holds. The base URL cannot be known here, but every DID already signed under can: it is
the issuer of each stored signed credential, and of each signed status list. Those are recorded
(none retired: which of an organization's DIDs is current is settled by the next signing, or by
`plaudit serve`, which records each organization's current DID at start-up).

Revision ID: 0015_organization_dids
Revises: 0014_ids_never_reused
Create Date: 2026-12-10 12:00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015_organization_dids"
down_revision: str | Sequence[str] | None = "0014_ids_never_reused"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The issuer's id of a signed document stored as JSON text, in each dialect's JSON functions.
_ISSUER = {
    "sqlite": "json_extract({column}, '$.issuer.id')",
    "postgresql": "(({column})::json -> 'issuer' ->> 'id')",
}


def upgrade() -> None:
    op.create_table(
        "organization_dids",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("did", sa.String(length=2048), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_dids_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_dids")),
        sa.UniqueConstraint("did", name=op.f("uq_organization_dids_did")),
        sa.UniqueConstraint("uuid", name=op.f("uq_organization_dids_uuid")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("organization_dids", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_dids_organization_id"), ["organization_id"], unique=False
        )
    _record_signed_issuers()


def _record_signed_issuers() -> None:
    bind = op.get_bind()
    issuer = _ISSUER.get(bind.dialect.name)
    if issuer is None:
        return
    found = bind.execute(
        sa.text(
            f"SELECT DISTINCT c.organization_id, {issuer.format(column='s.document')} "
            "FROM signed_credentials s JOIN credentials c ON c.id = s.credential_id "
            f"UNION SELECT DISTINCT l.organization_id, {issuer.format(column='l.document')} "
            "FROM status_lists l WHERE l.document IS NOT NULL"
        )
    ).all()
    seen: set[str] = set()
    rows = []
    for organization_id, did in found:
        if not isinstance(did, str) or not did.startswith("did:") or did in seen:
            continue
        seen.add(did)
        rows.append((organization_id, did))
    if not rows:
        return
    table = sa.table(
        "organization_dids",
        sa.column("organization_id", ID),
        sa.column("did", sa.String()),
        sa.column("method", sa.String()),
        sa.column("uuid", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {
                "organization_id": organization_id,
                "did": did,
                "method": "key" if did.startswith("did:key:") else "web",
                "uuid": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
            }
            for organization_id, did in rows
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("organization_dids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_dids_organization_id"))
    op.drop_table("organization_dids")
