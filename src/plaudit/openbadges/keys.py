"""Organizations' Ed25519 signing keys, their private halves encrypted at rest.

Each private key is stored as AES-256-GCM ciphertext under a key derived (HKDF-SHA256) from the
server's secret, next to an id of that derived key, and bound to its organization and sequence
number as associated data. The database alone never reveals a private key.

An organization gets its first key when it is first needed (two requests racing to make it
meet on a unique index, and the loser reads the winner's). Rotation adds a newer key; the older
ones are retired, no longer used to sign, but stay published for verification.
"""

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.openbadges import multibase
from plaudit.store.signing_tables import SigningKey
from plaudit.store.tables import Organization, utcnow

_HKDF_INFO = b"plaudit signing-key encryption v1"
_NONCE_BYTES = 12


class KeyUnavailable(RuntimeError):
    """A private key cannot be decrypted: the server's secret is not the one that encrypted it.
    Nothing can be signed for the organization until the operator sets that secret again or
    rotates to a key made under this one; the message says so."""

    def __init__(self, organization_id: int | None = None) -> None:
        self.organization_id = organization_id
        if organization_id is None:
            super().__init__("the signing key was encrypted under another server secret")
            return
        super().__init__(
            f"organization {organization_id}'s signing key was encrypted under another server "
            "secret: set PLAUDIT_SECRET_KEY to the secret it was made with, or run `plaudit "
            f"signing rotate --org {organization_id}` to make a new key under this one"
        )


@lru_cache(maxsize=8)
def _encryption_key(secret: bytes) -> tuple[bytes, str]:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret)
    return key, hashlib.sha256(key).hexdigest()[:16]


def encryption_key_id(secret: bytes) -> str:
    return _encryption_key(secret)[1]


def _associated_data(organization: Organization, sequence: int) -> bytes:
    return f"plaudit-signing-key:{organization.uuid}:{sequence}".encode()


def encrypt_private_key(raw: bytes, secret: bytes, associated_data: bytes) -> tuple[bytes, str]:
    key, key_id = _encryption_key(secret)
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, raw, associated_data), key_id


@lru_cache(maxsize=256)
def decrypt_private_key(ciphertext: bytes, secret: bytes, associated_data: bytes) -> bytes:
    """Cached by its inputs (a pure function of them), so that signing a credential costs no
    decryption: a rotated key has another ciphertext, a changed secret another argument."""
    key, _ = _encryption_key(secret)
    try:
        return AESGCM(key).decrypt(
            ciphertext[:_NONCE_BYTES], ciphertext[_NONCE_BYTES:], associated_data
        )
    except InvalidTag:
        raise KeyUnavailable() from None


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def multikey(row: SigningKey) -> str:
    """The key's `publicKeyMultibase` (z6Mk...), also its fragment in verification method ids."""
    return _multikey(row.public_key)


@lru_cache(maxsize=256)
def _multikey(raw_public_key: bytes) -> str:
    return multibase.public_key_multibase(raw_public_key)


def public_key(row: SigningKey) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(row.public_key)


@dataclass(frozen=True)
class ActiveKey:
    """The key an organization signs with now, decrypted for the caller."""

    row_id: int
    sequence: int
    private_key: Ed25519PrivateKey
    public_key_multibase: str


def new_row(organization: Organization, sequence: int, secret: bytes) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes_raw()
    ciphertext, key_id = encrypt_private_key(raw, secret, _associated_data(organization, sequence))
    return SigningKey(
        organization_id=organization.id,
        sequence=sequence,
        public_key=raw_public_key(private.public_key()),
        private_key_ciphertext=ciphertext,
        encryption_key_id=key_id,
    )


# Built once: asked on every signing at issuance.
_NEWEST = (
    select(SigningKey)
    .where(SigningKey.organization_id == bindparam("organization_id"))
    .order_by(SigningKey.sequence.desc())
    .limit(1)
)


def newest(session: Session, organization_id: int) -> SigningKey | None:
    return session.scalar(_NEWEST, {"organization_id": organization_id})


def ensure_key(session: Session, organization: Organization, secret: bytes) -> SigningKey:
    """The organization's newest key, made now if it has none (race-safe)."""
    row = newest(session, organization.id)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = new_row(organization, 1, secret)
            session.add(row)
    except IntegrityError:
        # Another transaction made the first key meanwhile: use that one.
        row = newest(session, organization.id)
        if row is None:
            raise
    return row


def active_key(session: Session, organization: Organization, secret: bytes) -> ActiveKey:
    return unlock(ensure_key(session, organization, secret), organization, secret)


def unlock(row: SigningKey, organization: Organization, secret: bytes) -> ActiveKey:
    if row.encryption_key_id != encryption_key_id(secret):
        raise KeyUnavailable(organization.id)
    raw = decrypt_private_key(
        row.private_key_ciphertext, secret, _associated_data(organization, row.sequence)
    )
    return ActiveKey(
        row_id=row.id,
        sequence=row.sequence,
        private_key=_private_key(raw),
        public_key_multibase=multikey(row),
    )


@lru_cache(maxsize=256)
def _private_key(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def rotate(session: Session, organization: Organization, secret: bytes) -> SigningKey:
    """A new active key; every older key is retired and stays published."""
    current = newest(session, organization.id)
    sequence = 1 if current is None else current.sequence + 1
    session.execute(
        update(SigningKey)
        .where(SigningKey.organization_id == organization.id, SigningKey.retired_at.is_(None))
        .values(retired_at=utcnow())
    )
    row = new_row(organization, sequence, secret)
    session.add(row)
    session.flush()
    return row


def published_keys(session: Session, organization_id: int) -> list[SigningKey]:
    """Every key the organization ever signed with, newest first."""
    return list(
        session.scalars(
            select(SigningKey)
            .where(SigningKey.organization_id == organization_id)
            .order_by(SigningKey.sequence.desc())
        )
    )


def locked_out(session: Session, secret: bytes) -> list[Organization]:
    """Organizations whose active key `secret` cannot unlock (it was made under another secret):
    they cannot sign until the operator acts, which start-up reports."""
    return list(
        session.scalars(
            select(Organization)
            .join(SigningKey, SigningKey.organization_id == Organization.id)
            .where(
                SigningKey.retired_at.is_(None),
                SigningKey.encryption_key_id != encryption_key_id(secret),
            )
            .order_by(Organization.id)
        )
    )
