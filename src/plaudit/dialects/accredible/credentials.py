"""Single credentials: `/v1/credentials` and `/v1/credentials/{id}`."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from plaudit.dialects.accredible import mapping
from plaudit.dialects.accredible.auth import SECURITY, ApiKey, authorize, key_of
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.schemas import CredentialBody
from plaudit.domain.scope import Scope
from plaudit.http.deps import AppSettings, DbWork
from plaudit.http.json_answer import json_answer
from plaudit.http.signer import IssuanceSigner
from plaudit.services import credential_reads, credentials, issuance, organizations
from plaudit.store.tables import Credential, Organization

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])
# Included by the app ahead of every other router (app.py): the most frequent request.
reads_router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])
Json = dict[str, Any]


def _body(session: Session, scope: Scope, credential: Credential, base_url: str) -> Json:
    issuer = organizations.get_organization(session, scope.organization_id)
    return {"credential": mapping.credential_out(credential, issuer, base_url)}


@router.post("/v1/credentials", summary="Create a New Credential")
async def create_credential(
    body: CredentialBody, key: ApiKey, work: DbWork, settings: AppSettings, signer: IssuanceSigner
) -> Json:
    fields = mapping.credential_fields(body.credential)

    def prepare(session: Session) -> tuple[Organization, issuance.Prepared]:
        scope = authorize(session, key)
        # Held for the request: the session keeps unchanged rows only weakly, and the signing
        # and the answer would each load the organization again.
        issuer = organizations.get_organization(session, scope.organization_id)
        today = datetime.now(UTC).date()
        return issuer, issuance.prepare_one(session, scope, fields, today=today, signer=signer)

    # Checked, built and signed before its turn to write; then written and committed with the
    # creates queued beside it, and answered once committed.
    issuer, prepared = await work.read(prepare)
    issued = await work.grouped(lambda session: issuance.write_one(session, prepared))
    credential = mapping.credential_out(issued.credential, issuer, settings.public_base_url)
    return {"credential": credential}


@reads_router.get(
    "/v1/credentials/{id}", summary="View a Credential", response_model=Json, openapi_extra=SECURITY
)
async def view_credential(id: str, request: Request) -> Response:
    # The key check and the credential in one statement on a Core connection, on SQLite without
    # a thread hop (http/loop_reads.py); the answer serialized as FastAPI would.
    state, key = request.app.state, key_of(request)
    shown = await state.loop_reads(
        lambda connection: credential_reads.shown_to_key(connection, key, id)
    )
    credential = mapping.credential_out(
        shown.credential, shown.issuer, state.settings.public_base_url
    )
    return json_answer({"credential": credential})


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
