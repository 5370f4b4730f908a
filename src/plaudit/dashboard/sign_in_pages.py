"""`/dashboard/sign-in` and `/dashboard/sign-out`."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import sessions, sign_in
from plaudit.dashboard.guard import DashboardRoute, current, from_another_site
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.http.rate_limit import limits_of
from plaudit.store.org_tables import TeamMember
from plaudit.web.pages import page

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

HOME = "/dashboard"
REFUSED = "That email and password do not match an account, or the account is locked."


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path of this site, never another site."""
    local = target and not target.startswith("//") and "\\" not in target and "://" not in target
    return target if local and target.startswith(HOME) else HOME


def sign_in_form(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    sso_email: str = "",
    sso_error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The sign-in page: the password form (`email`, `error`) and the single sign-on one
    (`sso_email`, `sso_error`)."""
    context = {
        "title": "Sign in",
        "next": next_path,
        "email": email,
        "error": error,
        "sso_email": sso_email,
        "sso_error": sso_error,
    }
    return page(request, "dashboard/sign_in.html", context, status_code=status)


@router.get("/dashboard/sign-in")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    if await current(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return sign_in_form(request, next_path=safe_next(next))


@router.post("/dashboard/sign-in")
async def sign_in_submit(
    request: Request,
    settings: AppSettings,
    secret: ServerSecret,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2048)] = HOME,
) -> Response:
    if from_another_site(request):
        return sign_in_form(request, next_path=HOME, error="Sign in from this site.", status=403)
    now = datetime.now(UTC)
    old = sessions.cookie_token(request)

    def run(session: Session) -> str | sign_in.Refused:
        found = sign_in.by_password(session, email, password, settings=settings, now=now)
        if isinstance(found, TeamMember):
            found = sessions.replace(
                session, old, found, via="password", secret=secret, settings=settings, now=now
            )
        session.commit()
        return found

    outcome = await Work(request.app.state.database, readonly=False)(run)
    if isinstance(outcome, sign_in.Refused):
        await limits_of(request).record_failed_auth(request)
        return sign_in_form(
            request, next_path=safe_next(next), email=email, error=REFUSED, status=401
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    sessions.set_cookie(response, outcome, settings)
    return response


@router.post("/dashboard/sign-out")
async def sign_out(request: Request, settings: AppSettings, secret: ServerSecret) -> Response:
    """Ends the session. Needs no form token: signing someone out is no harm to them."""
    token = sessions.cookie_token(request)
    if token is not None:

        def run(session: Session) -> None:
            sessions.end(session, token, secret=secret)
            session.commit()

        await Work(request.app.state.database, readonly=False)(run)
    response = RedirectResponse("/dashboard/sign-in", status_code=303)
    sessions.clear_cookie(response, settings)
    return response
