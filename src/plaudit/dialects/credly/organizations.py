"""`GET /v1/organizations`, `GET|PUT /v1/organizations/{organization_id}`: the token's own
organization (another one is a 404)."""

from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.orm import Session

from plaudit.dialects.credly import mapping
from plaudit.dialects.credly.auth import Token, authorize, authorize_organization
from plaudit.dialects.credly.paging import list_metadata, page_request
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.dialects.credly.schemas import OrganizationBody
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import organizations
from plaudit.services.guarded_network import allowed_hosts

router = CredlyRouter(tags=["Credly: organizations"])
Json = dict[str, Any]
Page = Annotated[str | None, Query()]


@router.get("/v1/organizations", summary="List organizations")
async def list_organizations(
    request: Request, token: Token, work: DbWork, page: Page = None
) -> Json:
    def run(session: Session) -> Json:
        scope = authorize(session, token)
        wanted = page_request(page)
        organization = organizations.get_organization(session, scope.organization_id)
        rows = [mapping.organization_out(organization)][wanted.offset : wanted.offset + wanted.per]
        return {"data": rows, "metadata": list_metadata(request.url, wanted, len(rows), 1)}

    return await work(run)


@router.get("/v1/organizations/{organization_id}", summary="Get an organization")
async def get_organization(organization_id: str, token: Token, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        _, organization = authorize_organization(session, token, organization_id)
        return {"data": mapping.organization_out(organization), "metadata": {}}

    return await work(run)


@router.put("/v1/organizations/{organization_id}", summary="Update an organization")
async def update_organization(
    organization_id: str, body: OrganizationBody, token: Token, work: DbWork, settings: AppSettings
) -> Json:
    webhook_hosts = allowed_hosts(settings.webhook_allow_hosts)

    def run(session: Session) -> Json:
        scope, _ = authorize_organization(session, token, organization_id)
        organization = organizations.update_organization(
            session, scope, body.changes(), webhook_hosts=webhook_hosts
        )
        answer = {"data": mapping.organization_out(organization), "metadata": {}}
        session.commit()
        return answer

    return await work(run)
