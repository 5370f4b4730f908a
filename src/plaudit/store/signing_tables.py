"""Tables of verifiable credentials: organizations' signing keys, the signed documents kept per
credential, and the bitstring status lists with their entries."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from plaudit.store.tables import IdType, Row, org_fk


class SigningKey(Row):
    """An organization's Ed25519 key. The newest is the active one; older ones are retired but
    stay published in the DID document so that what they signed still verifies."""

    __tablename__ = "signing_keys"
    __table_args__ = (Index(None, "organization_id", "sequence", unique=True),)

    organization_id: Mapped[int] = org_fk()
    sequence: Mapped[int] = mapped_column(Integer, doc="1 for the first key, then one more each.")
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_key_ciphertext: Mapped[bytes] = mapped_column(
        LargeBinary(64), doc="AES-256-GCM nonce + ciphertext of the 32-byte private key."
    )
    encryption_key_id: Mapped[str] = mapped_column(
        String(16), doc="Which server secret encrypted it (a hash of the derived key)."
    )
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignedCredential(Row):
    """The signed forms of one credential, kept while what went into them is unchanged."""

    __tablename__ = "signed_credentials"

    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="CASCADE"), unique=True
    )
    content_hash: Mapped[str] = mapped_column(
        String(64), doc="SHA-256 of the unsigned document and the signing key."
    )
    document: Mapped[str] = mapped_column(Text, doc="The JSON-LD credential with its proof.")
    jwt: Mapped[str] = mapped_column(Text, doc="The same credential as a VC-JOSE-COSE JWS.")


class StatusEntry(Row):
    """One credential's place in one of its organization's status lists.

    The entry outlives its credential (credential_id is then NULL): copies of a deleted
    credential keep pointing at its bit, which stays set."""

    __tablename__ = "status_entries"
    __table_args__ = (
        Index(None, "organization_id", "purpose", "list_number", "index", unique=True),
        Index(None, "credential_id", "purpose", unique=True),
        Index(None, "organization_id", "purpose", "list_number", "is_set"),
    )

    organization_id: Mapped[int] = org_fk()
    purpose: Mapped[str] = mapped_column(String(16), doc="revocation (or suspension).")
    list_number: Mapped[int] = mapped_column(Integer)
    index: Mapped[int] = mapped_column(Integer)
    credential_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="SET NULL")
    )
    credential_encoded_id: Mapped[str] = mapped_column(String(32), index=True)
    credential_uuid: Mapped[UUID] = mapped_column(Uuid, index=True)
    is_set: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(
        String(16), doc="Why the bit is set: deleted, revoked or expired."
    )


class StatusList(Row):
    """One published status list: its number, and its signed forms while its bits stay put."""

    __tablename__ = "status_lists"
    __table_args__ = (Index(None, "organization_id", "purpose", "list_number", unique=True),)

    organization_id: Mapped[int] = org_fk()
    purpose: Mapped[str] = mapped_column(String(16))
    list_number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(
        String(64), doc="SHA-256 of the set indices and the signing key the documents used."
    )
    document: Mapped[str | None] = mapped_column(Text)
    jwt: Mapped[str | None] = mapped_column(Text)


class OrganizationDid(Row):
    """A DID an organization's credentials and status lists were signed under. Recorded when
    it is first signed under, so that it resolves from the database whatever the server's
    base URL is later; when another DID of the same method takes its place (a new base URL, or
    a key rotation under did:key) it is retired, and still resolves, like a retired key."""

    __tablename__ = "organization_dids"

    organization_id: Mapped[int] = org_fk()
    did: Mapped[str] = mapped_column(String(2048), unique=True)
    method: Mapped[str] = mapped_column(String(8), doc="web or key.")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
