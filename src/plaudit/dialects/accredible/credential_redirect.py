"""`GET /v1/issuer/credential_redirect`: to a credential's public page, by the caller's id."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.domain.errors import NotFound
from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import credentials
from plaudit.web import urls

router = APIRouter(route_class=AccredibleRoute, tags=["Credentials"])


@router.get(
    "/v1/issuer/credential_redirect",
    summary="Redirect to the Credential",
    response_class=RedirectResponse,
    status_code=302,
)
async def credential_redirect(
    id: str, issuer_id: str, key: ApiKey, work: DbWork, settings: AppSettings
) -> RedirectResponse:
    def run(session: Session) -> str:
        scope = authorize(session, key)
        if issuer_id.strip() != str(scope.organization_id):
            raise NotFound("organization")
        return credentials.get(session, scope, id).encoded_id

    encoded_id = await work(run)
    return RedirectResponse(urls.credential_page(settings.public_base_url, encoded_id), 302)
