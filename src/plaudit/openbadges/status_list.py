"""Bitstring Status Lists (W3C Bitstring Status List v1.0): one list per organization and
purpose, 131,072 entries, published as a signed credential.

A credential gets its entry when it is first signed, at an index drawn at random among the
free ones (a unique index settles races on both databases), so that neighbouring indices say
nothing about each other. Its bit is set in the transaction that revokes, deletes or expires
the credential. Plaudit's domain has no suspension: credentials get a revocation entry only
(the AchievementCredential schema allows one `credentialStatus`), and an expiry that is
undone clears the bit it set. The encoded list is GZIP then base64url (no padding) with the
multibase prefix `u`; index 0 is the most significant bit of the first byte.
"""

import base64
import gzip
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.openbadges.contexts import CREDENTIALS_V2
from plaudit.store.signing_tables import StatusEntry, StatusList
from plaudit.store.tables import Credential

LIST_SIZE = 131_072
REVOCATION = "revocation"
PURPOSES = (REVOCATION,)  # published lists; suspension is not used (no such state)
# Why a bit is set. Only an expiry's bit is cleared again (when the expiry is moved on).
DELETED, REVOKED, EXPIRED = "deleted", "revoked", "expired"
_DRAWS = 32  # collisions in a row before the list counts as full enough to open the next one
_FULL_ENOUGH = LIST_SIZE * 3 // 4


class StatusListError(ValueError):
    pass


# --- the bitstring -------------------------------------------------------------------------------


def encode_list(set_indices: Iterable[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in set_indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise StatusListError("encodedList must start with the multibase prefix 'u'")
    text = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return gzip.decompress(compressed)
    except (ValueError, OSError, EOFError) as error:
        raise StatusListError(f"encodedList is not GZIP + base64url: {error}") from None


def bit(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry_document(list_url: str, purpose: str, index: int) -> dict[str, Any]:
    """The `credentialStatus` a credential carries."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(
    list_url: str, issuer: str, purpose: str, encoded: str, valid_from: str
) -> dict[str, Any]:
    """The status list credential, unsigned."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }


# --- entries -------------------------------------------------------------------------------------


def entry_of(session: Session, credential_id: int, purpose: str = REVOCATION) -> StatusEntry | None:
    return session.scalar(
        select(StatusEntry).where(
            StatusEntry.credential_id == credential_id, StatusEntry.purpose == purpose
        )
    )


def _current_list(session: Session, organization_id: int, purpose: str) -> int:
    number = session.scalar(
        select(func.max(StatusList.list_number)).where(
            StatusList.organization_id == organization_id, StatusList.purpose == purpose
        )
    )
    return number or open_list(session, organization_id, purpose, 1)


def open_list(session: Session, organization_id: int, purpose: str, number: int) -> int:
    try:
        with session.begin_nested():
            session.add(
                StatusList(organization_id=organization_id, purpose=purpose, list_number=number)
            )
    except IntegrityError:
        pass  # another transaction opened it first
    return number


def allocate(
    session: Session, credential: Credential, purpose: str = REVOCATION, *, new: bool = False
) -> StatusEntry:
    """The credential's entry, made now at a random free index if it has none (race-safe).
    `new`: the credential was created in this transaction, so it cannot have one yet."""
    existing = None if new else entry_of(session, credential.id, purpose)
    if existing is not None:
        return existing
    number = _current_list(session, credential.organization_id, purpose)
    while True:
        for _ in range(_DRAWS):
            entry = StatusEntry(
                organization_id=credential.organization_id,
                purpose=purpose,
                list_number=number,
                index=secrets.randbelow(LIST_SIZE),
                credential_id=credential.id,
                credential_encoded_id=credential.encoded_id,
                credential_uuid=credential.uuid,
                is_set=False,
            )
            try:
                with session.begin_nested():
                    session.add(entry)
                return entry
            except IntegrityError:
                # The index is taken, or another transaction gave this credential its entry.
                existing = entry_of(session, credential.id, purpose)
                if existing is not None:
                    return existing
        if _used(session, credential.organization_id, purpose, number) < _FULL_ENOUGH:
            raise StatusListError("no free status list index found")
        number = open_list(session, credential.organization_id, purpose, number + 1)


def allocate_new(
    session: Session, credentials: list[Credential], purpose: str = REVOCATION
) -> list[StatusEntry]:
    """Entries for credentials created in this transaction, in one insert: indices drawn at
    random among those not taken yet. Should another transaction take one of them meanwhile,
    each credential is allocated on its own instead."""
    if not credentials:
        return []
    organization_id = credentials[0].organization_id
    number = _current_list(session, organization_id, purpose)
    indices: set[int] = set()
    while len(indices) < len(credentials):
        draws = {secrets.randbelow(LIST_SIZE) for _ in range(len(credentials) - len(indices))}
        taken = session.scalars(
            select(StatusEntry.index).where(
                StatusEntry.organization_id == organization_id,
                StatusEntry.purpose == purpose,
                StatusEntry.list_number == number,
                StatusEntry.index.in_(draws),
            )
        )
        indices |= draws - set(taken)
        if (
            len(indices) < len(credentials)
            and _used(session, organization_id, purpose, number) >= _FULL_ENOUGH
        ):
            return [allocate(session, credential, purpose, new=True) for credential in credentials]
    rows = [
        {
            "organization_id": organization_id,
            "purpose": purpose,
            "list_number": number,
            "index": index,
            "credential_id": credential.id,
            "credential_encoded_id": credential.encoded_id,
            "credential_uuid": credential.uuid,
            "is_set": False,
        }
        for credential, index in zip(credentials, indices, strict=False)
    ]
    try:
        # One Core executemany: an ORM flush of the new entries cost more than drawing them.
        with session.begin_nested():
            session.connection().execute(insert(StatusEntry.__table__), rows)
    except IntegrityError:
        return [allocate(session, credential, purpose, new=True) for credential in credentials]
    # Detached copies of what was inserted: callers read where each entry is, nothing more.
    return [StatusEntry(**row) for row in rows]


def _used(session: Session, organization_id: int, purpose: str, number: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                StatusEntry.organization_id == organization_id,
                StatusEntry.purpose == purpose,
                StatusEntry.list_number == number,
            )
        )
        or 0
    )


def set_bit(session: Session, credential_id: int, reason: str, purpose: str = REVOCATION) -> bool:
    """Sets the credential's bit, in the caller's transaction; False when it has no entry (it
    was never signed, so no copy of it exists). An expiry never overwrites a revocation."""
    query = update(StatusEntry).where(
        StatusEntry.credential_id == credential_id, StatusEntry.purpose == purpose
    )
    if reason == EXPIRED:
        query = query.where(StatusEntry.is_set.is_(False))
    result = session.execute(query.values(is_set=True, reason=reason))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def clear_expiry(session: Session, credential_id: int) -> None:
    """Clears a bit that an expiry set, once the expiry is moved past today or removed."""
    session.execute(
        update(StatusEntry)
        .where(StatusEntry.credential_id == credential_id, StatusEntry.reason == EXPIRED)
        .values(is_set=False, reason=None)
    )


def revocation(session: Session, credential_id: int) -> tuple[bool, str | None]:
    """Whether the credential's revocation bit is set, and why."""
    entry = entry_of(session, credential_id)
    return (True, entry.reason) if entry is not None and entry.is_set else (False, None)


def set_indices(session: Session, organization_id: int, purpose: str, number: int) -> list[int]:
    return list(
        session.scalars(
            select(StatusEntry.index)
            .where(
                StatusEntry.organization_id == organization_id,
                StatusEntry.purpose == purpose,
                StatusEntry.list_number == number,
                StatusEntry.is_set.is_(True),
            )
            .order_by(StatusEntry.index)
        )
    )
