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
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, ReturningInsert

from plaudit.openbadges.contexts import CREDENTIALS_V2
from plaudit.store.conflicts import insert_ignoring_conflicts
from plaudit.store.signing_tables import StatusEntry, StatusList
from plaudit.store.tables import Credential, Organization, utcnow

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


def allocate(session: Session, credential: Credential, purpose: str = REVOCATION) -> StatusEntry:
    """The credential's entry, made now at a random free index if it has none (race-safe)."""
    existing = entry_of(session, credential.id, purpose)
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


# --- places for credentials about to be issued ------------------------------------------------
# Drawn before the write (reads only, so outside the write lock) and inserted with the
# credential; the unique index on the place settles a race, and the loser draws again.

# The list each organization's new entries go to, per process (by organization UUID, so that
# another database's organization of the same id is another key). Re-read when a drawn place
# turns out taken and when the list fills up.
_lists_in_use: dict[tuple[UUID, str], int] = {}
# A list this process moved on to that may not have its row yet: every write makes it (an
# insert that does nothing once it exists) until a read finds it.
_lists_to_open: dict[tuple[UUID, str], int] = {}


@dataclass(frozen=True)
class Places:
    """Free places in one list, drawn at random; `opens_list`: the list has no row yet."""

    list_number: int
    indices: list[int]
    opens_list: bool


def draw_places(
    session: Session, organization: Organization, count: int, purpose: str = REVOCATION
) -> Places:
    """`count` distinct random indices not taken yet in the list new entries go to (reads
    only), moving on to the next list once the current one is full enough."""
    number, opens = _list_in_use(session, organization, purpose)
    found: set[int] = set()
    drawn = missed = all_missed = 0
    while len(found) < count:
        draws = {secrets.randbelow(LIST_SIZE) for _ in range(count - len(found))} - found
        taken = set() if opens else _taken(session, organization.id, purpose, number, draws)
        found |= draws - taken
        drawn, missed, all_missed = drawn + len(draws), missed + len(taken), all_missed + len(taken)
        if len(found) == count or drawn < _DRAWS or missed * 4 < drawn * 3:
            continue
        # Most draws land on taken places: open the next list if this one is full enough.
        if _used(session, organization.id, purpose, number) < _FULL_ENOUGH:
            if all_missed >= _DRAWS * count:
                raise StatusListError("no free status list index found")
            drawn = missed = 0
            continue
        number += 1
        opens = not _list_exists(session, organization.id, purpose, number)
        if opens:
            _lists_to_open[organization.uuid, purpose] = number
            _lists_in_use.pop((organization.uuid, purpose), None)
        else:
            _lists_in_use[organization.uuid, purpose] = number
        found.clear()
        drawn = missed = 0
    return Places(number, list(found), opens)


def forget_list_in_use(organization: Organization, purpose: str = REVOCATION) -> None:
    """Read the list in use again next time (another process may have moved on)."""
    _lists_in_use.pop((organization.uuid, purpose), None)


def _list_in_use(session: Session, organization: Organization, purpose: str) -> tuple[int, bool]:
    """The list's number, and whether it may have no row yet."""
    key = (organization.uuid, purpose)
    if (number := _lists_in_use.get(key)) is not None:
        return number, False
    number = session.scalar(
        select(func.max(StatusList.list_number)).where(
            StatusList.organization_id == organization.id, StatusList.purpose == purpose
        )
    )
    opening = _lists_to_open.get(key, 1)
    if number is None or number < opening:
        return opening, True
    _lists_to_open.pop(key, None)
    _lists_in_use[key] = number
    return number, False


def _list_exists(session: Session, organization_id: int, purpose: str, number: int) -> bool:
    return (
        session.scalar(
            select(StatusList.id).where(
                StatusList.organization_id == organization_id,
                StatusList.purpose == purpose,
                StatusList.list_number == number,
            )
        )
        is not None
    )


# Built once: asked for every batch of places drawn.
_TAKEN = select(StatusEntry.index).where(
    StatusEntry.organization_id == bindparam("organization_id"),
    StatusEntry.purpose == bindparam("purpose"),
    StatusEntry.list_number == bindparam("list_number"),
    StatusEntry.index.in_(bindparam("indices", expanding=True)),
)


def _taken(
    session: Session, organization_id: int, purpose: str, number: int, indices: set[int]
) -> set[int]:
    parameters = {
        "organization_id": organization_id,
        "purpose": purpose,
        "list_number": number,
        "indices": list(indices),
    }
    return set(session.scalars(_TAKEN, parameters))


def make_list(session: Session, organization_id: int, purpose: str, number: int) -> None:
    """The list's row, unless another transaction made it first (one statement)."""
    now = utcnow()
    session.connection().execute(
        insert_ignoring_conflicts(session, StatusList.__table__),
        {
            "uuid": uuid4(),
            "created_at": now,
            "updated_at": now,
            "organization_id": organization_id,
            "purpose": purpose,
            "list_number": number,
        },
    )


def insert_free(session: Session, rows: list[dict[str, Any]]) -> set[int]:
    """Inserts the entries whose place is still free, in one statement; the credential ids of
    those inserted (an entry left out lost its place to another transaction)."""
    statement = _insert_free(insert_ignoring_conflicts(session, StatusEntry.__table__))
    return set(session.connection().execute(statement, rows).scalars())


@cache  # built once per database kind
def _insert_free(statement: Insert) -> ReturningInsert[tuple[int]]:
    return statement.returning(StatusEntry.__table__.c.credential_id)


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
