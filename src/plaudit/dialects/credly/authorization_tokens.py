"""`GET /v1/organizations/{organization_id}/authorization_tokens`: the organization's live API
keys by prefix and label, never their secret. A department key sees its department's keys."""

from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.orm import Session

from plaudit.dialects.credly import mapping
from plaudit.dialects.credly.auth import Token, authorize_organization
from plaudit.dialects.credly.paging import list_metadata, page_request
from plaudit.dialects.credly.routing import CredlyRouter
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import api_keys

router = CredlyRouter(tags=["Credly: authorization tokens"])
Json = dict[str, Any]


@router.get(
    "/v1/organizations/{organization_id}/authorization_tokens",
    summary="List authorization tokens",
)
async def list_authorization_tokens(
    request: Request,
    organization_id: str,
    token: Token,
    work: DbWork,
    settings: AppSettings,
    page: Annotated[str | None, Query()] = None,
) -> Json:
    def run(session: Session) -> Json:
        scope, organization = authorize_organization(session, token, organization_id)
        wanted = page_request(page)
        keys = [
            key
            for key in api_keys.list_keys(session, organization.id)
            if key.revoked_at is None
            and (scope.department_id is None or key.department_id == scope.department_id)
        ]
        rows = [
            mapping.authorization_token_out(key, organization, settings.public_base_url)
            for key in keys[wanted.offset : wanted.offset + wanted.per]
        ]
        return {"data": rows, "metadata": list_metadata(request.url, wanted, len(rows), len(keys))}

    return await work(run)
