"""`GET /v1/credentials/blockchain_data/{id}` and `GET /v2/credentials/{id}/blockchain_data`.

Accredible answers with a Blockcerts document and the receipt of its anchoring on Bitcoin or
Ethereum. Plaudit anchors nothing on a blockchain: a credential carries its own proof, an
eddsa-rdfc-2022 Data Integrity signature by its issuer's key (and the same credential as a
VC-JWT). These endpoints answer with that proof data in Accredible's envelope (docs/
compatibility.md says field by field how it differs): `chain` is `"none"`, and the receipt holds
the signed Open Badges 3.0 credential instead of a Merkle proof and a transaction id.
"""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.domain.errors import NotFound
from plaudit.http.deps import DbWork, Work
from plaudit.http.signer import server_signer
from plaudit.openbadges import ob2, vc_jwt
from plaudit.openbadges.data_integrity import CRYPTOSUITE, PROOF_TYPE, proof_of
from plaudit.openbadges.verify import issuer_id
from plaudit.services import credentials, signing
from plaudit.store.tables import Credential, Organization
from plaudit.web import urls

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])
CHAIN = "none"


def _credential(session: Session, key: str | None, ref: str) -> tuple[Credential, Organization]:
    """By encoded id (or our id or license id, as elsewhere), or by UUID, in the key's scope."""
    scope = authorize(session, key)
    try:
        credential = credentials.get(session, scope, ref)
    except NotFound:
        try:
            uuid = UUID(ref.strip())
        except ValueError:
            raise NotFound("credential") from None
        found = session.scalar(credentials.scoped(scope).where(Credential.uuid == uuid))
        if found is None:
            raise NotFound("credential") from None
        credential = found
    organization = session.get(Organization, credential.organization_id)
    if organization is None:
        raise NotFound("credential")
    return credential, organization


async def _signed(
    request: Request, key: str | None, ref: str, work: Work
) -> tuple[Credential, Organization, signing.SignedForms]:
    """The credential's signed forms as stored, or signed now (in a writing session) when they
    are missing or stale."""
    signer = server_signer(request)

    def read(session: Session) -> tuple[Credential, Organization, signing.SignedForms | None]:
        credential, organization = _credential(session, key, ref)
        return credential, organization, signing.current(session, credential, organization, signer)

    def write(session: Session) -> tuple[Credential, Organization, signing.SignedForms]:
        credential, organization = _credential(session, key, ref)
        forms = signing.sign(session, credential, organization, signer)
        session.commit()
        return credential, organization, forms

    credential, organization, forms = await work(read)
    if forms is None:
        return await Work(request.app.state.database, readonly=False)(write)
    return credential, organization, forms


def _receipt(forms: signing.SignedForms) -> dict[str, Any]:
    document = forms.parsed()
    proof = proof_of(document)
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verification_method": proof["verificationMethod"],
        "created": proof.get("created"),
        "body": document,
        "jwt": forms.jwt,
        "jwt_media_type": vc_jwt.MEDIA_TYPE,
    }


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    """The credential as Accredible's v2 `credential_json_data` shows it: issuer as its id, the
    subject as a name and a claim."""
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    return {
        "@context": document.get("@context"),
        "type": document.get("type"),
        "id": document.get("id"),
        "issuer": issuer_id(document),
        "issuanceDate": document.get("validFrom"),
        "expirationDate": document.get("validUntil"),
        "credentialSubject": {
            "name": subject.get("name"),
            "claim": {
                "name": achievement.get("name"),
                "description": achievement.get("description"),
            },
        },
    }


def v2_body(forms: signing.SignedForms) -> dict[str, Any]:
    return {
        "data": {
            "chain": CHAIN,
            "credential_json_data": _summary(forms.parsed()),
            "receipt": _receipt(forms),
        }
    }


def v1_body(
    credential: Credential,
    organization: Organization,
    forms: signing.SignedForms,
    base_url: str,
    secret: bytes,
) -> dict[str, Any]:
    """Accredible's v1 (Blockcerts v1) fields, filled from the credential and its proof."""
    document = forms.parsed()
    assertion = ob2.assertion(credential, base_url, secret)
    issuer = document.get("issuer") or {}
    return {
        "data": {
            "chain": CHAIN,
            "credential_json_data": {
                "@context": "https://w3id.org/openbadges/v2",
                "type": "CertificateDocument",
                "certificate": {
                    "name": document.get("name"),
                    "description": document.get("description"),
                    "type": "Certificate",
                    "id": urls.credential_page(base_url, credential.encoded_id),
                    "issuer": {
                        "name": issuer.get("name"),
                        "url": issuer.get("url"),
                        "email": issuer.get("email"),
                        "id": urls.ob2_issuer(base_url, organization.uuid),
                        "type": "Issuer",
                    },
                },
                "assertion": {
                    "id": assertion["id"],
                    "type": "Assertion",
                    "uid": str(credential.uuid),
                    "issuedOn": credential.issued_on.isoformat(),
                },
                "recipient": {
                    "familyName": credential.recipient_name,
                    **assertion["recipient"],
                },
                "verify": {
                    "type": CRYPTOSUITE,
                    "signer": proof_of(document)["verificationMethod"],
                    "attribute-signed": "credential",
                },
            },
            "receipt": _receipt(forms),
        }
    }


@router.get(
    "/v1/credentials/blockchain_data/{id}",
    summary="Verify BlockChain Credential (v1)",
    description="The credential's own proof (no blockchain anchoring): see docs/compatibility.md.",
)
async def blockchain_data_v1(
    request: Request, id: str, key: ApiKey, work: DbWork
) -> dict[str, Any]:
    state = request.app.state
    credential, organization, forms = await _signed(request, key, id, work)
    return v1_body(
        credential, organization, forms, state.settings.public_base_url, state.server_secret
    )


@router.get(
    "/v2/credentials/{id}/blockchain_data",
    summary="Verify BlockChain Credential (v2)",
    description="The credential's own proof (no blockchain anchoring): see docs/compatibility.md.",
)
async def blockchain_data_v2(
    request: Request, id: str, key: ApiKey, work: DbWork
) -> dict[str, Any]:
    _credential_row, _organization, forms = await _signed(request, key, id, work)
    return v2_body(forms)
