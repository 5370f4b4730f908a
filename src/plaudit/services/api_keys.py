"""API keys: made once, shown once, stored as a hash, found by a short prefix."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.domain.scope import Scope
from plaudit.store.tables import ApiKey, Department, Organization, utcnow

PREFIX_LENGTH = 12
SECRET_BYTES = 20


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    plaintext: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session,
    organization_id: int,
    department_id: int | None = None,
    label: str | None = None,
) -> IssuedKey:
    if session.get(Organization, organization_id) is None:
        raise NotFound("organization")
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None or department.organization_id != organization_id:
            raise NotFound("department")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_hex(SECRET_BYTES)
    key = ApiKey(
        organization_id=organization_id,
        department_id=department_id,
        prefix=prefix,
        secret_hash=_hash(secret),
        label=label,
    )
    session.add(key)
    session.flush()
    return IssuedKey(key=key, plaintext=prefix + secret)


def parts(presented: str) -> tuple[str, str] | None:
    """A presented key's prefix (to find it by) and secret (to check), or None when it cannot
    be a key at all."""
    presented = presented.strip()
    if len(presented) != PREFIX_LENGTH + 2 * SECRET_BYTES:
        return None
    return presented[:PREFIX_LENGTH], presented[PREFIX_LENGTH:]


def secret_matches(secret_hash: str, secret: str) -> bool:
    """Whether `secret` is the one `secret_hash` was made from, compared in constant time."""
    return hmac.compare_digest(secret_hash, _hash(secret))


def authenticate(session: Session, presented: str) -> Scope | None:
    """The scope of a live key, or None. Costs one indexed lookup and a constant-time compare.
    (`GET /v1/credentials/{id}` checks its key inside its one read instead:
    services/credential_reads.py.)"""
    found = parts(presented)
    if found is None:
        return None
    prefix, secret = found
    row = session.execute(
        select(ApiKey.organization_id, ApiKey.department_id, ApiKey.secret_hash).where(
            ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)
        )
    ).first()
    if row is None or not secret_matches(row.secret_hash, secret):
        return None
    return Scope(organization_id=row.organization_id, department_id=row.department_id)


def list_keys(session: Session, organization_id: int) -> list[ApiKey]:
    return list(
        session.scalars(
            select(ApiKey).where(ApiKey.organization_id == organization_id).order_by(ApiKey.id)
        )
    )


def revoke_key(session: Session, prefix: str) -> ApiKey:
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix[:PREFIX_LENGTH]))
    if key is None:
        raise NotFound("api key")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key
