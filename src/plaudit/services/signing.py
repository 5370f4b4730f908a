"""Credentials as signed Open Badges 3.0 credentials, in both proof formats, kept per credential.

A credential's signed forms are stored with a hash of everything that went into them (the
unsigned document, which holds the credential, its group, issuer and status entry, and the
signing key). They are served as stored while that hash holds, so a credential's signed document
does not change unless the credential, its group, its organization or the key does; then it is
signed again. `current` is the read-only look-up; `sign` signs (allocating the credential's
status entry and the organization's first key when needed) and writes.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.openbadges import did, issuer_dids, keys, ob3, status_list
from plaudit.openbadges.data_integrity import add_proof
from plaudit.openbadges.vc_jwt import sign_jwt
from plaudit.store.signing_tables import SignedCredential, SigningKey, StatusEntry
from plaudit.store.tables import Credential, Organization
from plaudit.web import urls


@dataclass(frozen=True)
class Signer:
    """What signing needs from the server: the public base URL and the secret keys are under."""

    base_url: str
    secret: bytes


@dataclass(frozen=True)
class SignedForms:
    document: str  # JSON text of the credential with its Data Integrity proof
    jwt: str  # the same credential as a VC-JOSE-COSE JWS

    def parsed(self) -> dict[str, Any]:
        return json.loads(self.document)


def status_entry(base_url: str, organization: Organization, entry: StatusEntry) -> dict[str, Any]:
    list_url = urls.status_list(base_url, organization.uuid, entry.purpose, entry.list_number)
    return status_list.entry_document(list_url, entry.purpose, entry.index)


def unsigned(
    credential: Credential,
    organization: Organization,
    signing_key: SigningKey,
    entry: StatusEntry | None,
    signer: Signer,
) -> tuple[dict[str, Any], str]:
    """The unsigned document and the verification method that signs it."""
    issuer_id = did.issuer_did(signer.base_url, organization, signing_key)
    document = ob3.build_credential(
        credential,
        ob3.Issuer(issuer_id, organization),
        base_url=signer.base_url,
        salt=ob3.recipient_salt(signer.secret, credential),
        status=status_entry(signer.base_url, organization, entry) if entry else None,
    )
    return document, did.verification_method(issuer_id, signing_key)


def content_hash(document: dict[str, Any], verification_method: str) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{text}\n{verification_method}".encode()).hexdigest()


def _stored(session: Session, credential_id: int) -> SignedCredential | None:
    return session.scalar(
        select(SignedCredential).where(SignedCredential.credential_id == credential_id)
    )


def _require_published(credential: Credential) -> None:
    if not credential.approve:
        raise NotFound("credential")


def current(
    session: Session, credential: Credential, organization: Organization, signer: Signer
) -> SignedForms | None:
    """The stored signed forms if they still match the credential; None when it must be signed
    (again). Reads only."""
    _require_published(credential)
    published = keys.published_keys(session, organization.id)
    entry = status_list.entry_of(session, credential.id)
    stored = _stored(session, credential.id)
    if not published or entry is None or stored is None:
        return None
    document, method = unsigned(credential, organization, published[0], entry, signer)
    if stored.content_hash != content_hash(document, method):
        return None
    return SignedForms(stored.document, stored.jwt)


def sign(
    session: Session, credential: Credential, organization: Organization, signer: Signer
) -> SignedForms:
    """The credential's signed forms, signed now unless the stored ones still match."""
    _require_published(credential)
    row = keys.ensure_key(session, organization, signer.secret)
    entry = status_list.allocate(session, credential)
    document, method = unsigned(credential, organization, row, entry, signer)
    digest = content_hash(document, method)
    stored = _stored(session, credential.id)
    if stored is not None and stored.content_hash == digest:
        return SignedForms(stored.document, stored.jwt)
    private_key = keys.unlock(row, organization, signer.secret).private_key
    issuer_dids.record(session, organization, method.partition("#")[0])
    forms = SignedForms(
        json.dumps(add_proof(document, private_key, method), ensure_ascii=False),
        sign_jwt(document, private_key, method),
    )
    _store(session, credential.id, digest, forms, stored)
    return forms


def _store(
    session: Session,
    credential_id: int,
    digest: str,
    forms: SignedForms,
    stored: SignedCredential | None,
) -> None:
    if stored is None:
        try:
            with session.begin_nested():
                session.add(
                    SignedCredential(
                        credential_id=credential_id,
                        content_hash=digest,
                        document=forms.document,
                        jwt=forms.jwt,
                    )
                )
            return
        except IntegrityError:
            stored = _stored(session, credential_id)  # signed concurrently: ours replaces it
            if stored is None:
                raise
    stored.content_hash = digest
    stored.document = forms.document
    stored.jwt = forms.jwt
    session.flush()


def signed_row(
    credential: Credential,
    organization: Organization,
    signing_key: SigningKey,
    private_key: Ed25519PrivateKey,
    entry: StatusEntry,
    signer: Signer,
) -> dict[str, str]:
    """A new credential's signed forms and their content hash, as columns of its
    signed_credentials row (its credential_id left to the caller)."""
    document, method = unsigned(credential, organization, signing_key, entry, signer)
    return {
        "content_hash": content_hash(document, method),
        "document": json.dumps(add_proof(document, private_key, method), ensure_ascii=False),
        "jwt": sign_jwt(document, private_key, method),
    }
