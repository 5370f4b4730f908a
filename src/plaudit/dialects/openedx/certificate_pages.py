"""`/credentials/{uuid hex}/`: the `certificate_url` of an Open edX user credential (upstream's
rendered certificate). Plaudit's page for it is the credential's public page, so this redirects
there; whoever asks, as upstream's page is public."""

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.http.deps import AppSettings, DbWork
from plaudit.services import openedx_credentials
from plaudit.store.tables import Credential
from plaudit.web import urls

router = APIRouter(tags=["Open edX: certificates"])


@router.get("/credentials/{uuid_hex}/", include_in_schema=False)
@router.get("/credentials/{uuid_hex}")
async def certificate_page(uuid_hex: str, work: DbWork, settings: AppSettings) -> Response:
    try:
        uuid = UUID(hex=uuid_hex)
    except ValueError:
        return Response("Not found.", status_code=404, media_type="text/plain")

    def run(session: Session) -> str | None:
        row = openedx_credentials.by_uuid(session, uuid)
        if row is None:
            return None
        return session.get_one(Credential, row.credential_id).encoded_id

    encoded_id = await work(run)
    if encoded_id is None:
        return Response("Not found.", status_code=404, media_type="text/plain")
    return RedirectResponse(urls.credential_page(settings.public_base_url, encoded_id), 302)
