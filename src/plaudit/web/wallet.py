"""`GET /wallet`: the signed-in recipient's credentials in the organization that signed them in.

Minimal for now: the public credential pages and the full wallet come with the pages issue.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound, Unauthenticated
from plaudit.http.deps import AppSettings, DbWork, ServerSecret
from plaudit.services import organizations, recipients
from plaudit.store.tables import Credential
from plaudit.web import session as recipient_session
from plaudit.web import urls
from plaudit.web.pages import WebRoute, page

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/wallet")
async def wallet(
    request: Request,
    settings: AppSettings,
    secret: ServerSecret,
    work: DbWork,
    credential: str | None = None,
    embed: bool = False,
) -> HTMLResponse:
    who = recipient_session.signed_in(request, secret, settings)
    if who is None:
        raise Unauthenticated()
    base_url = settings.public_base_url

    def run(session: Session) -> dict[str, Any]:
        try:
            organization = organizations.get_organization(session, who.organization_id)
        except NotFound:
            raise Unauthenticated() from None
        owned = recipients.credentials_of(session, who.organization_id, who.email)
        shown = [item for item in owned if item.encoded_id == credential] if credential else owned
        if credential and not shown:
            raise NotFound("credential")
        return {
            "title": "Your credentials",
            "organization_name": organization.name,
            "recipient_name": owned[0].recipient_name if owned else who.email,
            "credentials": [_card(item, base_url) for item in shown],
            "focused": credential is not None,
            "all_url": urls.wallet(base_url),
        }

    return page(request, "wallet.html", await work(run), embed=embed)


def _card(credential: Credential, base_url: str) -> dict[str, Any]:
    return {
        "encoded_id": credential.encoded_id,
        "name": credential.name,
        "course_name": credential.achievement.course_name,
        "issued_on": credential.issued_on.isoformat(),
        "expired_on": credential.expired_on.isoformat() if credential.expired_on else None,
        "private": credential.private,
        "url": urls.credential_page(base_url, credential.encoded_id),
    }
