"""Where an SSO link lands: `GET /c/{encoded_id}/sso?code=...` uses the code up, signs the
recipient in and sends them on to their credential (or their wallet)."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.http.rate_limit import limits_of
from plaudit.services import sso
from plaudit.web import session as recipient_session
from plaudit.web import urls
from plaudit.web.pages import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/c/{encoded_id}/sso")
async def sso_landing(
    request: Request,
    encoded_id: str,
    settings: AppSettings,
    secret: ServerSecret,
    code: str = "",
) -> Response:
    def run(session: Session) -> sso.SignIn:
        signed_in = sso.redeem(session, encoded_id, code, secret=secret, now=datetime.now(UTC))
        session.commit()
        return signed_in

    # A GET that writes: the code is used up in the same request that shows it.
    try:
        signed_in = await Work(request.app.state.database, readonly=False)(run)
    except NotFound:
        # A code that never existed is a guess: it counts as a failed authentication.
        await limits_of(request).record_failed_auth(request)
        raise
    if not signed_in.wallet_view:
        landing = urls.wallet(settings.public_base_url, credential=signed_in.encoded_id)
    elif signed_in.embed:
        landing = urls.wallet(settings.public_base_url, embed="1")
    else:
        landing = urls.wallet(settings.public_base_url)
    response = RedirectResponse(landing, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    who = recipient_session.RecipientSession(signed_in.organization_id, signed_in.recipient_email)
    # An embedded wallet opens in the issuer's iframe: its session is the partitioned cookie.
    embedded = signed_in.wallet_view and signed_in.embed
    recipient_session.sign_in(response, secret, settings, who, embedded=embedded)
    return response
