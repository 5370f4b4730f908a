"""Organizations' decentralized identifiers.

did:web (the default): `did:web:<host>[%3A<port>][:<base path>]:orgs:<organization uuid>`,
resolved by anyone at `<base URL>/orgs/<uuid>/did.json`, whose document lists every key the
organization ever signed with (Multikey), so credentials signed before a rotation still verify.
did:key (an organization's option): the active key itself; no document to host, but a rotation
changes the issuer's identifier.
"""

from typing import Any
from urllib.parse import quote, unquote, urlsplit
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.openbadges import keys, multibase
from plaudit.openbadges.contexts import DID_V1, MULTIKEY_V1
from plaudit.store.signing_tables import OrganizationDid, SigningKey
from plaudit.store.tables import Organization

METHODS = ("web", "key")


class DidNotResolvable(ValueError):
    """The DID does not resolve here. `here`: it names this server, which knows no such
    organization (a definite answer); otherwise it is simply not one of this server's."""

    def __init__(self, reason: str, *, here: bool = False) -> None:
        super().__init__(reason)
        self.here = here


def did_web_prefix(base_url: str) -> str:
    """`did:web:<host>[%3Aport][:path...]` for the public base URL."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"base URL {base_url!r} names no host")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path])


def did_web(base_url: str, organization_uuid: UUID) -> str:
    return f"{did_web_prefix(base_url)}:orgs:{organization_uuid}"


def did_key(public_key_multibase: str) -> str:
    return f"did:key:{public_key_multibase}"


def issuer_did(base_url: str, organization: Organization, signing_key: SigningKey) -> str:
    """The organization's DID as its credentials name it (with did:key, that of `signing_key`)."""
    if organization.did_method == "key":
        return did_key(keys.multikey(signing_key))
    return did_web(base_url, organization.uuid)


def verification_method(issuer: str, signing_key: SigningKey) -> str:
    """The id of `signing_key` in the issuer's DID document: `<did>#<publicKeyMultibase>`."""
    return f"{issuer}#{keys.multikey(signing_key)}"


def _method(did: str, row: SigningKey) -> dict[str, Any]:
    return {
        "id": verification_method(did, row),
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": keys.multikey(row),
    }


def did_web_document(
    base_url: str, organization: Organization, published: list[SigningKey]
) -> dict[str, Any]:
    """The organization's did:web document: every key, active first, for assertions."""
    did = did_web(base_url, organization.uuid)
    methods = [_method(did, row) for row in published]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def did_key_document(did: str) -> dict[str, Any]:
    """The document a did:key expands to (one Multikey)."""
    fingerprint = did.removeprefix("did:key:")
    multibase.public_key_from_multibase(fingerprint)
    method = {
        "id": f"{did}#{fingerprint}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": fingerprint,
    }
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
    }


def organization_of_did(base_url: str, did: str) -> UUID | None:
    """The uuid in one of our own did:web identifiers, None for any other DID."""
    prefix = f"{did_web_prefix(base_url)}:orgs:"
    if not did.startswith(prefix):
        return None
    try:
        return UUID(unquote(did[len(prefix) :]))
    except ValueError:
        return None


def resolve_did(session: Session, base_url: str, did: str) -> dict[str, Ed25519PublicKey]:
    """{verification method id: public key} for a did:key, or for any DID one of our
    organizations issues or issued under (openbadges/issuer_dids.py), whatever the current base
    URL; read from the database, never over the network. DidNotResolvable for anything else."""
    did = did.split("#", 1)[0]
    if did.startswith("did:key:"):
        try:
            document = did_key_document(did)
        except multibase.MultibaseError as error:
            raise DidNotResolvable(str(error), here=True) from None
        method = document["verificationMethod"][0]
        raw = multibase.public_key_from_multibase(method["publicKeyMultibase"])
        return {method["id"]: Ed25519PublicKey.from_public_bytes(raw)}
    organization = session.scalar(
        select(Organization)
        .join(OrganizationDid, OrganizationDid.organization_id == Organization.id)
        .where(OrganizationDid.did == did)
    )
    if organization is None:
        organization = _by_current_did(session, base_url, did)
    return {
        verification_method(did, row): keys.public_key(row)
        for row in keys.published_keys(session, organization.id)
    }


def _by_current_did(session: Session, base_url: str, did: str) -> Organization:
    """The organization a did:web under the current base URL names (one that has signed
    nothing yet is not recorded)."""
    organization_uuid = organization_of_did(base_url, did)
    if organization_uuid is None:
        raise DidNotResolvable(f"{did} is not one of this server's issuers")
    organization = session.scalar(
        select(Organization).where(Organization.uuid == organization_uuid)
    )
    if organization is None:
        raise DidNotResolvable(f"{did} names no organization here", here=True)
    return organization
