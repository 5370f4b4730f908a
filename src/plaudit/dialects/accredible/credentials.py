"""Single credentials: `/v1/credentials` and `/v1/credentials/{id}`."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.schemas import CredentialBody
from plaudit.domain.scope import Scope
from plaudit.http.deps import AppSettings, DbWork
from plaudit.http.signer import IssuanceSigner
from plaudit.services import credential_reads, credentials, organizations, signing
from plaudit.store.tables import Credential

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])
Json = dict[str, Any]


def _body(session: Session, scope: Scope, credential: Credential, base_url: str) -> Json:
    issuer = organizations.get_organization(session, scope.organization_id)
    return {"credential": mapping.credential_out(credential, issuer, base_url)}


@router.post("/v1/credentials", summary="Create a New Credential")
async def create_credential(
    body: CredentialBody, key: ApiKey, work: DbWork, settings: AppSettings, signer: IssuanceSigner
) -> Json:
    fields = mapping.credential_fields(body.credential)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        # Held for the request: the session keeps unchanged rows only weakly, and the credit
        # check, the signing and the answer would each load the organization again.
        _organization = organizations.get_organization(session, scope.organization_id)
        issued = credentials.issue(session, scope, fields, today=datetime.now(UTC).date())
        signing.sign_issued(session, [issued.credential], signer)
        response = _body(session, scope, issued.credential, settings.public_base_url)
        session.commit()
        return response

    return await work(run)


@router.get("/v1/credentials/{id}", summary="View a Credential")
async def view_credential(id: str, key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        shown = credential_reads.shown(session, scope, id)
        return {
            "credential": mapping.credential_out(
                shown.credential, shown.issuer, settings.public_base_url
            )
        }

    return await work(run)


@router.put("/v1/credentials/{id}", summary="Update a Credential")
@router.patch("/v1/credentials/{id}", summary="Update a Credential (PATCH, as real clients send)")
async def update_credential(
    id: str, body: CredentialBody, key: ApiKey, work: DbWork, settings: AppSettings
) -> Json:
    fields = mapping.credential_fields(body.credential)

    def run(session: Session) -> Json:
        scope = authorize(session, key)
        credential = credentials.update(session, scope, id, fields)
        response = _body(session, scope, credential, settings.public_base_url)
        session.commit()
        return response

    return await work(run)


@router.delete("/v1/credentials/{id}", summary="Delete a Credential")
async def delete_credential(id: str, key: ApiKey, work: DbWork, settings: AppSettings) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, key)
        credential = credentials.delete(session, scope, id)
        response = _body(session, scope, credential, settings.public_base_url)
        session.commit()
        return response

    return await work(run)
