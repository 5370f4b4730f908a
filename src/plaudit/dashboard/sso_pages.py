"""Signing in through an organization's identity provider: `/dashboard/sso/{uuid}/start` (a
link an organization may bookmark), `/callback` (OpenID Connect), `/acs`, `/saml/finish` and
`/metadata` (SAML 2.0), and `POST /dashboard/sso`, where the sign-in page's email finds the
connection.

Every refusal is a page saying why; a sign-in starts a new session (sessions.start) with
`via` oidc or saml, ending the one the browser came with."""

import hmac
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from plaudit.dashboard import oidc, saml, sessions, sso_connections, sso_members, sso_state
from plaudit.dashboard.guard import DashboardRoute, from_another_site
from plaudit.dashboard.sign_in_pages import HOME, safe_next, sign_in_form
from plaudit.dashboard.sso_connections import OIDC, SAML
from plaudit.dashboard.sso_http import ProviderUnreachable
from plaudit.dashboard.sso_identity import Identity, SignInRefused
from plaudit.domain.errors import NotFound
from plaudit.domain.values import is_valid_email
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.services.guarded_network import allowed_hosts
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import SsoConnection
from plaudit.web.pages import message_page, page

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

SIGN_IN = "/dashboard/sign-in"
NOT_STARTED_HERE = (
    "This sign-in was not started in this browser, was already finished, or took too long. "
    "Start again from the sign-in page."
)
# Base64 of the largest SAML response read (saml.MAX_RESPONSE_BYTES), with room to spare.
SAML_RESPONSE_CHARS = saml.MAX_RESPONSE_BYTES * 4 // 3 + 4


def start_path(connection_uuid: object) -> str:
    return f"/dashboard/sso/{connection_uuid}/start"


def redirect_uri(settings: Settings, connection_uuid: str) -> str:
    return f"{settings.public_base_url}/dashboard/sso/{connection_uuid}/callback"


def finish_path(connection_uuid: str) -> str:
    return f"/dashboard/sso/{connection_uuid}/saml/finish"


def service_provider(settings: Settings, connection_uuid: str) -> saml.ServiceProvider:
    return saml.ServiceProvider.of(settings.public_base_url, connection_uuid)


@router.post("/dashboard/sso")
async def find_connection(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    next: Annotated[str, Form(max_length=2048)] = HOME,
) -> Response:
    """The sign-in page's "single sign-on" form: the enabled connections that accept the
    email's domain. The answer is a page linking to them (a form may not redirect to another
    site under the pages' `form-action 'self'`); with one, it goes on by itself."""
    next_path = safe_next(next)
    if from_another_site(request):
        return _sign_in_page(request, next_path, email, "Sign in from this site.", 403)
    if not is_valid_email(email):
        return _sign_in_page(request, next_path, email, "Enter your work email address.", 422)
    found = await Work(request.app.state.database, readonly=True)(
        lambda session: sso_connections.for_email(session, email)
    )
    if not found:
        text = "No single sign-on is set up for that email's domain. Sign in with your password."
        return _sign_in_page(request, next_path, email, text, 404)
    back = quote(next_path, safe="")
    choices = [
        {"name": connection.name, "url": f"{start_path(connection.uuid)}?next={back}"}
        for connection in found
    ]
    context = {"title": "Single sign-on", "choices": choices}
    return page(request, "dashboard/sso_choose.html", context)


def _sign_in_page(
    request: Request, next_path: str, email: str, error: str, status: int
) -> HTMLResponse:
    return sign_in_form(
        request, next_path=next_path, sso_email=email, sso_error=error, status=status
    )


@router.get("/dashboard/sso/{connection_uuid}/start")
async def start(
    request: Request,
    connection_uuid: str,
    settings: AppSettings,
    secret: ServerSecret,
    next: str | None = None,
) -> Response:
    connection = await _connection(request, connection_uuid)
    if not connection.enabled:
        return _refused(request, "This single sign-on is turned off. Sign in with your password.")
    next_path = safe_next(next)
    hosts = allowed_hosts(settings.sso_allow_hosts)
    try:
        if connection.protocol == OIDC:
            options = connection.settings
            provider = await run_in_threadpool(oidc.discover, options["issuer"], hosts)
            url, pending = oidc.begin(
                provider,
                client_id=options["client_id"],
                scopes=options["scopes"],
                redirect_uri=redirect_uri(settings, connection_uuid),
            )
            response = RedirectResponse(url, status_code=303)
            sso_state.keep_pending(
                response,
                secret=secret,
                settings=settings,
                connection_uuid=connection_uuid,
                pending=pending,
                next_path=next_path,
            )
            return _no_store(response)
        request_id, location = await run_in_threadpool(
            saml.begin,
            service_provider(settings, connection_uuid),
            connection.settings["idp_metadata"],
            connection.settings["idp_entity_id"],
            next_path,
        )
    except ProviderUnreachable as error:
        return _unreachable(request, error)
    except saml.XmlsecMissing as error:
        return message_page(request, 503, "Single sign-on unavailable", str(error))
    now = datetime.now(UTC)

    def remember(session: Session) -> None:
        sso_state.remember_saml_request(session, connection, request_id, secret=secret, now=now)
        session.commit()

    await Work(request.app.state.database, readonly=False)(remember)
    response = RedirectResponse(location, status_code=303)
    sso_state.keep_saml_request(
        response,
        secret=secret,
        settings=settings,
        connection_uuid=connection_uuid,
        request_id=request_id,
    )
    return _no_store(response)


@router.get("/dashboard/sso/{connection_uuid}/callback")
async def oidc_callback(
    request: Request,
    connection_uuid: str,
    settings: AppSettings,
    secret: ServerSecret,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> Response:
    connection = await _connection(request, connection_uuid, protocol=OIDC)
    found = sso_state.pending_of(request, secret=secret, connection_uuid=connection_uuid)
    outcome: Response
    if found is None or state is None or not _same(state, found[0].state):
        outcome = _refused(request, NOT_STARTED_HERE)
    elif error is not None or not code:
        reason = f" ({error[:100]})" if error else ""
        outcome = _refused(request, f"The identity provider did not sign you in{reason}.")
    else:
        pending, next_path = found
        options = connection.settings
        hosts = allowed_hosts(settings.sso_allow_hosts)

        def identify() -> Identity:
            provider = oidc.discover(options["issuer"], hosts)
            return oidc.finish(
                provider,
                pending,
                code=code,
                client_id=options["client_id"],
                client_secret=sso_connections.client_secret(connection, secret),
                redirect_uri=redirect_uri(settings, connection_uuid),
                allowed=hosts,
                now=int(datetime.now(UTC).timestamp()),
            )

        try:
            identity = await run_in_threadpool(identify)
        except ProviderUnreachable as unreachable:
            outcome = _unreachable(request, unreachable)
        except SignInRefused as refused:
            outcome = _refused(request, str(refused))
        else:
            outcome = await _sign_in(request, connection, identity, "oidc", next_path)
    sso_state.forget_pending(outcome, settings, connection_uuid)
    return outcome


@router.post("/dashboard/sso/{connection_uuid}/acs")
async def saml_acs(
    request: Request,
    connection_uuid: str,
    settings: AppSettings,
    secret: ServerSecret,
    saml_response: Annotated[str, Form(alias="SAMLResponse", max_length=SAML_RESPONSE_CHARS)] = "",
    relay_state: Annotated[str, Form(alias="RelayState", max_length=2048)] = HOME,
) -> Response:
    """The IdP's answer, posted by the browser from the IdP's page (so cross-site: no CSRF
    token, and the SAML checks stand in for it). Checked and kept for the request it answers;
    the browser is sent on to `saml_finish`, which signs in only the browser that started."""
    connection = await _connection(request, connection_uuid, protocol=SAML)
    request_id = saml.in_response_to(saml_response)
    if request_id is None:
        return _refused(request, NOT_STARTED_HERE)
    try:
        identity = await run_in_threadpool(
            saml.finish,
            service_provider(settings, connection_uuid),
            connection.settings["idp_metadata"],
            saml_response,
            request_id,
        )
    except SignInRefused as refused:
        return _refused(request, str(refused))
    except saml.XmlsecMissing as missing:
        return message_page(request, 503, "Single sign-on unavailable", str(missing))
    answer = {**asdict(identity), "next": safe_next(relay_state)}
    now = datetime.now(UTC)

    def keep(session: Session) -> bool:
        kept = sso_state.answer_saml_request(
            session, connection, request_id, answer, secret=secret, now=now
        )
        session.commit()
        return kept

    if not await Work(request.app.state.database, readonly=False)(keep):
        return _refused(request, NOT_STARTED_HERE)
    return _no_store(RedirectResponse(finish_path(connection_uuid), status_code=303))


@router.get("/dashboard/sso/{connection_uuid}/saml/finish")
async def saml_finish(
    request: Request, connection_uuid: str, settings: AppSettings, secret: ServerSecret
) -> Response:
    """Signs in the browser that started the request the kept answer answers."""
    connection = await _connection(request, connection_uuid, protocol=SAML)
    request_id = sso_state.saml_request_of(request, secret=secret, connection_uuid=connection_uuid)
    now = datetime.now(UTC)

    def take(session: Session) -> dict[str, Any] | None:
        answer = sso_state.take_saml_answer(
            session, connection, request_id or "", secret=secret, now=now
        )
        session.commit()
        return answer

    answer = await Work(request.app.state.database, readonly=False)(take) if request_id else None
    outcome: Response
    if answer is None:
        outcome = _refused(request, NOT_STARTED_HERE)
    else:
        identity = Identity(
            subject=str(answer["subject"]), email=str(answer["email"]), name=answer.get("name")
        )
        outcome = await _sign_in(request, connection, identity, "saml", str(answer["next"]))
    sso_state.forget_pending(outcome, settings, connection_uuid)
    return outcome


@router.get("/dashboard/sso/{connection_uuid}/metadata")
async def saml_metadata(request: Request, connection_uuid: str, settings: AppSettings) -> Response:
    """Plaudit's SP metadata for the connection, to give the IdP."""
    connection = await _connection(request, connection_uuid, protocol=SAML)
    try:
        xml = await run_in_threadpool(
            saml.sp_metadata,
            service_provider(settings, connection_uuid),
            connection.settings["idp_metadata"],
        )
    except saml.XmlsecMissing as missing:
        return message_page(request, 503, "Single sign-on unavailable", str(missing))
    return Response(xml, media_type="application/samlmetadata+xml")


async def _connection(
    request: Request, connection_uuid: str, *, protocol: str | None = None
) -> SsoConnection:
    connection = await Work(request.app.state.database, readonly=True)(
        lambda session: sso_connections.by_uuid(session, connection_uuid)
    )
    if connection is None or (protocol is not None and connection.protocol != protocol):
        raise NotFound("single sign-on connection")
    return connection


async def _sign_in(
    request: Request,
    connection: SsoConnection,
    identity: Identity,
    via: str,
    next_path: str,
) -> Response:
    settings: Settings = request.app.state.settings
    secret: bytes = request.app.state.server_secret
    old = sessions.cookie_token(request)
    now = datetime.now(UTC)

    def run(session: Session) -> str:
        # Read again in this transaction: it may have been turned off meanwhile.
        current = sso_connections.by_uuid(session, str(connection.uuid))
        if current is None or not current.enabled:
            raise SignInRefused("This single sign-on is turned off.")
        member = sso_members.member_for(session, current, identity)
        token = sessions.replace(
            session, old, member, via=via, secret=secret, settings=settings, now=now
        )
        session.commit()
        return token

    try:
        token = await Work(request.app.state.database, readonly=False)(run)
    except SignInRefused as refused:
        return _refused(request, str(refused))
    response = RedirectResponse(safe_next(next_path), status_code=303)
    sessions.set_cookie(response, token, settings)
    return _no_store(response)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _refused(request: Request, text: str) -> HTMLResponse:
    return message_page(request, 403, "Single sign-on refused", text, return_url=SIGN_IN)


def _unreachable(request: Request, error: ProviderUnreachable) -> HTMLResponse:
    text = f"The identity provider could not be asked: {error}. Try again later."
    return message_page(request, 502, "Identity provider unavailable", text, return_url=SIGN_IN)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
