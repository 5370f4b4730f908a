"""Organizations' status list credentials, signed and kept while their bits stay put.

`current` reads (and returns None when the bits or the key changed since the stored signing);
`sign` signs again and stores. The content hash doubles as the HTTP ETag.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.openbadges import did, issuer_dids, keys, status_list
from plaudit.openbadges.data_integrity import add_proof
from plaudit.openbadges.vc_jwt import sign_jwt
from plaudit.services.signing import SignedForms, Signer
from plaudit.store.signing_tables import SigningKey, StatusList
from plaudit.store.tables import Organization
from plaudit.web import urls

_MAX_NUMBER = 2**31 - 1  # list numbers are 32-bit integer columns; larger ones name nothing


@dataclass(frozen=True)
class SignedList:
    forms: SignedForms
    content_hash: str


@dataclass(frozen=True)
class ListRef:
    organization: Organization
    purpose: str
    number: int


def organization_by_uuid(session: Session, organization_uuid: str) -> Organization:
    try:
        uuid = UUID(organization_uuid)
    except ValueError:
        raise NotFound("organization") from None
    organization = session.scalar(select(Organization).where(Organization.uuid == uuid))
    if organization is None:
        raise NotFound("organization")
    return organization


def find(session: Session, organization_uuid: str, purpose: str, number: int) -> ListRef:
    """A published list; NotFound for an unknown organization, purpose or number."""
    organization = organization_by_uuid(session, organization_uuid)
    if purpose not in status_list.PURPOSES or not 1 <= number <= _MAX_NUMBER:
        raise NotFound("status list")
    if number > 1 and _row(session, organization.id, purpose, number) is None:
        raise NotFound("status list")
    return ListRef(organization, purpose, number)


def find_by_url(session: Session, base_url: str, url: str) -> ListRef | None:
    """The list one of our status list URLs names; None for any other URL."""
    prefix = f"{base_url}/orgs/"
    if not url.startswith(prefix):
        return None
    parts = url[len(prefix) :].split("/")
    if len(parts) not in (3, 4) or parts[1] != "status":
        return None
    number = parts[3] if len(parts) == 4 else "1"
    if not (number.isascii() and number.isdigit()) or len(number) > 10:
        return None
    try:
        return find(session, parts[0], parts[2], int(number))
    except NotFound:
        return None


def _row(session: Session, organization_id: int, purpose: str, number: int) -> StatusList | None:
    return session.scalar(
        select(StatusList).where(
            StatusList.organization_id == organization_id,
            StatusList.purpose == purpose,
            StatusList.list_number == number,
        )
    )


def _content(
    session: Session, ref: ListRef, signing_key: SigningKey, signer: Signer
) -> tuple[str, str, str, str]:
    """(list URL, issuer DID, encoded list, content hash)."""
    organization = ref.organization
    indices = status_list.set_indices(session, organization.id, ref.purpose, ref.number)
    encoded = status_list.encode_list(indices)
    issuer = did.issuer_did(signer.base_url, organization, signing_key)
    list_url = urls.status_list(signer.base_url, organization.uuid, ref.purpose, ref.number)
    method = did.verification_method(issuer, signing_key)
    digest = hashlib.sha256(f"{list_url}\n{method}\n{encoded}".encode()).hexdigest()
    return list_url, issuer, encoded, digest


def current(session: Session, ref: ListRef, signer: Signer) -> SignedList | None:
    published = keys.published_keys(session, ref.organization.id)
    row = _row(session, ref.organization.id, ref.purpose, ref.number)
    if not published or row is None or row.document is None or row.jwt is None:
        return None
    *_, digest = _content(session, ref, published[0], signer)
    if row.content_hash != digest:
        return None
    return SignedList(SignedForms(row.document, row.jwt), digest)


def sign(session: Session, ref: ListRef, signer: Signer) -> SignedList:
    organization = ref.organization
    signing_key = keys.ensure_key(session, organization, signer.secret)
    list_url, issuer, encoded, digest = _content(session, ref, signing_key, signer)
    row = _row(session, organization.id, ref.purpose, ref.number)
    if row is None:
        status_list.open_list(session, organization.id, ref.purpose, ref.number)
        row = _row(session, organization.id, ref.purpose, ref.number)
        if row is None:
            raise NotFound("status list")
    if row.content_hash == digest and row.document is not None and row.jwt is not None:
        return SignedList(SignedForms(row.document, row.jwt), digest)
    issuer_dids.record(session, organization, issuer)
    signed, row.jwt = _signed(ref, signing_key, list_url, issuer, encoded, signer)
    row.document = json.dumps(signed)
    row.content_hash = digest
    session.flush()
    return SignedList(SignedForms(row.document, row.jwt), digest)


def _signed(
    ref: ListRef, signing_key: SigningKey, list_url: str, issuer: str, encoded: str, signer: Signer
) -> tuple[dict[str, Any], str]:
    """The list credential with its Data Integrity proof, and as a JWT, signed now."""
    now = datetime.now(UTC).replace(microsecond=0)
    document = status_list.list_credential(
        list_url, issuer, ref.purpose, encoded, now.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    private_key = keys.unlock(signing_key, ref.organization, signer.secret).private_key
    method = did.verification_method(issuer, signing_key)
    return add_proof(document, private_key, method, created=now), sign_jwt(
        document, private_key, method
    )


def find_issued(session: Session, url: str) -> tuple[ListRef, str] | None:
    """The list one of our status list URLs names under any base URL its organization issued
    under (a did:web recorded for it), with that base URL; None for any other URL."""
    base_url, marker, _ = url.rpartition("/orgs/")
    if not marker:
        return None
    ref = find_by_url(session, base_url, url)
    if ref is None:
        return None
    organization = ref.organization
    if organization.did_method == "web":
        issued_as = issuer_dids.organization_of(session, did.did_web(base_url, organization.uuid))
        if issued_as is None or issued_as.id != organization.id:
            return None
    return ref, base_url


def signed_for(session: Session, ref: ListRef, signer: Signer) -> dict[str, Any]:
    """The list as `signer`'s base URL names it, signed now and not kept: what verifies a
    credential issued under an earlier base URL (its list URL and issuer name that one)."""
    published = keys.published_keys(session, ref.organization.id)
    if not published:
        raise NotFound("status list")
    list_url, issuer, encoded, _ = _content(session, ref, published[0], signer)
    return _signed(ref, published[0], list_url, issuer, encoded, signer)[0]


def signed_list_for_url(
    session: Session, base_url: str, url: str, signer: Signer
) -> dict[str, Any] | None:
    """The signed status list credential (JSON-LD) at one of our URLs, for verification;
    None for a URL that is not ours. Signs it first when needed (so: a writing session)."""
    ref = find_by_url(session, base_url, url)
    if ref is None:
        return None
    return sign(session, ref, signer).forms.parsed()
