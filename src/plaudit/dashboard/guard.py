"""Who may do what on the dashboard, checked on every route, not only in the buttons.

Each route depends on `require(action)`: no live session sends a page request to the sign-in
page (303, coming back afterwards); a role that may not perform the action gets a 403 page; and
every request that changes something must carry the form token of its session (CSRF), from a
page of this site (`Sec-Fetch-Site`)."""

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from plaudit.dashboard import sessions
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.errors import DomainError, Forbidden
from plaudit.http.deps import READ_METHODS, Work
from plaudit.web.pages import WebRoute, message_page

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_PATH = "/dashboard/sign-in"


class SignInRequired(DomainError):
    """No live dashboard session: the browser goes to the sign-in page and comes back."""


def csrf_token(secret: bytes, signed_in: SignedIn) -> str:
    """The form token of one session: another site can neither read it nor compute it, and it
    stops working when the session ends."""
    message = f"plaudit.dashboard.form|{signed_in.token}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def from_another_site(request: Request) -> bool:
    """The browser says the request comes from another site's page (Sec-Fetch-Site); a client
    that sends no such header is taken at its word."""
    return request.headers.get("sec-fetch-site") not in (None, "same-origin")


async def _csrf_valid(request: Request, secret: bytes, signed_in: SignedIn) -> bool:
    if from_another_site(request):
        return False
    given: object = request.headers.get(CSRF_HEADER)
    if given is None:
        given = (await request.form()).get(CSRF_FIELD)
    expected = csrf_token(secret, signed_in)
    # As bytes: compare_digest refuses str with non-ASCII characters.
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def require(action: Action) -> Callable[[Request], Awaitable[SignedIn]]:
    """A dependency: the signed-in member, allowed to perform `action`."""

    async def dependency(request: Request) -> SignedIn:
        signed_in = await current(request)
        if signed_in is None:
            raise SignInRequired
        secret = request.app.state.server_secret
        if request.method not in READ_METHODS and not await _csrf_valid(request, secret, signed_in):
            raise Forbidden("csrf", "This form has expired. Reload the page and try again.")
        if not signed_in.can(action):
            raise Forbidden("role", f"Your role ({signed_in.role}) does not allow this.")
        request.state.dashboard_member = signed_in
        return signed_in

    return dependency


async def current(request: Request) -> SignedIn | None:
    """The member the request's cookie signs in, if its session is live."""
    token = sessions.cookie_token(request)
    if token is None:
        return None
    secret = request.app.state.server_secret
    now = datetime.now(UTC)
    return await Work(request.app.state.database, readonly=True)(
        lambda session: sessions.find(session, token, secret=secret, now=now)
    )


class DashboardRoute(WebRoute):
    """A page route of the dashboard: errors as pages (WebRoute), a missing session as a trip
    to the sign-in page, a refused action as a 403 page."""

    def error_response(self, request: Request, error: DomainError) -> Response:
        if isinstance(error, SignInRequired):
            response = RedirectResponse(_sign_in_url(request), status_code=303)
            response.headers["Cache-Control"] = "no-store"
            return response
        if isinstance(error, Forbidden):
            return message_page(request, 403, "Not allowed", str(error))
        return super().error_response(request, error)


def _sign_in_url(request: Request) -> str:
    back = request.url.path if request.method in READ_METHODS else "/dashboard"
    if request.url.query and request.method in READ_METHODS:
        back += f"?{request.url.query}"
    return f"{SIGN_IN_PATH}?next={quote(back, safe='')}"
