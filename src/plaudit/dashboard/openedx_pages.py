"""`/dashboard/openedx`: the organization's Open edX sites, through the same service as
`plaudit openedx connect` (services/openedx_sites.py): listed (never their secrets), connected or
updated with the LMS's JWT settings, disconnected after a confirmation."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.dialects.openedx import credentials
from plaudit.dialects.openedx.routing import CREDENTIALS_PREFIXES
from plaudit.domain.errors import Invalid
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.services import openedx_sites
from plaudit.settings import Settings

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

OPENEDX = "/dashboard/openedx"
# Room beyond the service's limit, so that a secret pasted a little too long gets the field's
# error; a field longer still is refused as a bad request (400).
SECRET_FORM_LENGTH = 4 * openedx_sites.MAX_SECRET_BYTES
Integrator = Annotated[SignedIn, Depends(require(Action.INTEGRATIONS))]
DONE = {
    "connected": "The site is connected: its tokens now authenticate against the credentials API.",
    "updated": "That issuer was already connected: its audience, secret and service user are "
    "updated.",
    "disconnected": "The site is disconnected: its tokens no longer authenticate.",
}


def _endpoints(settings: Settings) -> dict[str, str]:
    """What the LMS is told: this server's address, and the API it then calls."""
    base = settings.public_base_url
    api = f"{base}{CREDENTIALS_PREFIXES[0]}"
    return {"service_url": base, "api": f"{api}/", "credentials": f"{api}{credentials.PATH}"}


async def _openedx_page(
    request: Request,
    signed_in: SignedIn,
    settings: Settings,
    secret: bytes,
    *,
    notice: str | None = None,
    given: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    sites = await Work(request.app.state.database, readonly=True)(
        lambda session: [
            (site, openedx_sites.secret_usable(site, secret))
            for site in openedx_sites.list_sites(session, signed_in.organization_id)
        ]
    )
    context: dict[str, Any] = {
        "title": "Open edX",
        "notice": notice,
        "sites": sites,
        "endpoints": _endpoints(settings),
        "given": given or {"jwt_issuer": "", "jwt_audience": "", "service_username": ""},
        "errors": errors or {},
    }
    return show(request, signed_in, "openedx.html", context, status_code=422 if errors else 200)


@router.get(OPENEDX)
async def openedx_page(
    request: Request,
    signed_in: Integrator,
    settings: AppSettings,
    secret: ServerSecret,
    done: str | None = None,
) -> Response:
    notice = DONE.get(done or "")
    return await _openedx_page(request, signed_in, settings, secret, notice=notice)


@router.post(OPENEDX)
async def connect(
    request: Request,
    signed_in: Integrator,
    settings: AppSettings,
    secret: ServerSecret,
    jwt_issuer: Annotated[str, Form(max_length=1024)] = "",
    jwt_audience: Annotated[str, Form(max_length=1024)] = "",
    jwt_secret: Annotated[str, Form(max_length=SECRET_FORM_LENGTH)] = "",
    service_username: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    def run(session: Session) -> bool:
        known = {
            site.jwt_issuer for site in openedx_sites.list_sites(session, signed_in.organization_id)
        }
        site = openedx_sites.connect(
            session,
            secret,
            organization_id=signed_in.organization_id,
            jwt_secret=jwt_secret,
            jwt_issuer=jwt_issuer,
            jwt_audience=jwt_audience,
            service_username=service_username,
        )
        session.commit()
        return site.jwt_issuer in known

    try:
        updated = await Work(request.app.state.database, readonly=False)(run)
    except Invalid as error:
        given = {
            "jwt_issuer": jwt_issuer,
            "jwt_audience": jwt_audience,
            "service_username": service_username,
        }
        return await _openedx_page(
            request, signed_in, settings, secret, given=given, errors=error.fields
        )
    done = "updated" if updated else "connected"
    return RedirectResponse(f"{OPENEDX}?done={done}", status_code=303)


@router.get(f"{OPENEDX}/{{site_uuid}}/disconnect")
async def disconnect_page(request: Request, signed_in: Integrator, site_uuid: str) -> Response:
    site = await Work(request.app.state.database, readonly=True)(
        lambda session: openedx_sites.get(session, signed_in.organization_id, site_uuid)
    )
    context = {"title": "Disconnect an Open edX site", "site": site}
    return show(request, signed_in, "openedx_disconnect.html", context)


@router.post(f"{OPENEDX}/{{site_uuid}}/disconnect")
async def disconnect(request: Request, signed_in: Integrator, site_uuid: str) -> Response:
    def run(session: Session) -> None:
        openedx_sites.disconnect(session, signed_in.organization_id, site_uuid)
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{OPENEDX}?done=disconnected", status_code=303)
