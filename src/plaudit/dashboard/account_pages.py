"""The pages a one-time link opens, and "Forgot your password?":

- `/dashboard/welcome/<token>`: the first owner (from `plaudit orgs create`) or an invitee
  chooses a name and password, and is signed in;
- `/dashboard/forgot-password`: a reset link by mail, the same answer whether or not the email
  is anyone's;
- `/dashboard/reset/<token>`: a new password, the lockout lifted, every other session ended.

These pages are for people who are not signed in, so they carry no form token: the link's
token in the address is the secret a forged form cannot know. Unknown tokens count as failed
authentications (rate-limited like sign-in)."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from plaudit.dashboard import links, reset_mail, sessions
from plaudit.dashboard.guard import DashboardRoute, from_another_site
from plaudit.dashboard.passwords import MIN_LENGTH
from plaudit.domain.errors import Conflict, Invalid, NotFound
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.http.rate_limit import limits_of
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import OneTimeLink
from plaudit.store.org_tables import TeamMember
from plaudit.store.tables import Organization
from plaudit.web.pages import message_page, page

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

HOME = "/dashboard"
WELCOME = {links.FIRST_OWNER, links.INVITE}
# A live link, its member (none for a first owner's) and its organization's name.
Opened = tuple[OneTimeLink, TeamMember | None, str]
GONE = {
    "used": "This link has already been used",
    "expired": "This link has expired",
}
GONE_TEXT = (
    "Each link works once, for a limited time. Ask an owner or administrator of your "
    "organization for a new one."
)


async def _refusal(request: Request, error: Exception) -> HTMLResponse:
    """The page for a link that does not work (and the count of a guessed one)."""
    if isinstance(error, links.LinkGone):
        return message_page(request, 410, GONE[error.reason], GONE_TEXT)
    if isinstance(error, Conflict):
        return message_page(request, 410, "This link can no longer be used", str(error))
    await limits_of(request).record_failed_auth(request)
    text = "Check that you copied the whole link, or ask for a new one."
    return message_page(request, 404, "This link is not valid", text)


async def _open(
    request: Request, token: str, purposes: set[str], secret: bytes
) -> Opened | HTMLResponse:
    """The live link, its member and organization's name, or the page saying why not."""
    now = datetime.now(UTC)

    def run(session: Session) -> Opened:
        link = links.find(session, token, purposes=purposes, secret=secret, now=now)
        organization = session.get(Organization, link.organization_id)
        assert organization is not None  # links go with their organization
        return link, links.member_of(session, link), organization.name

    try:
        return await Work(request.app.state.database, readonly=True)(run)
    except (links.LinkGone, Conflict, NotFound) as error:
        return await _refusal(request, error)


async def _use(
    request: Request,
    token: str,
    purposes: set[str],
    *,
    settings: Settings,
    secret: bytes,
    use: Callable[[Session, OneTimeLink, datetime], TeamMember],
    form_again: Callable[[Opened, dict[str, list[str]]], HTMLResponse],
) -> Response:
    """Uses the link through `use` and signs its member in (home, with the session's cookie);
    when `use` finds the form invalid, `form_again` shows it with the reasons (the link opened
    anew: it may have gone meanwhile); otherwise the page saying why the link does not work."""
    now = datetime.now(UTC)
    old = sessions.cookie_token(request)

    def run(session: Session) -> str:
        link = links.find(session, token, purposes=purposes, secret=secret, now=now)
        member = use(session, link, now)
        started = sessions.replace(
            session, old, member, via="link", secret=secret, settings=settings, now=now
        )
        session.commit()
        return started

    try:
        started = await Work(request.app.state.database, readonly=False)(run)
    except (links.LinkGone, Conflict, NotFound) as error:
        return await _refusal(request, error)
    except Invalid as error:
        opened = await _open(request, token, purposes, secret)
        if isinstance(opened, HTMLResponse):
            return opened
        return form_again(opened, error.fields)
    return _signed_in(started, settings)


def _signed_in(session_token: str, settings: Settings) -> Response:
    response = RedirectResponse(HOME, status_code=303)
    sessions.set_cookie(response, session_token, settings)
    return response


def _welcome_form(
    request: Request,
    token: str,
    link: OneTimeLink,
    member: TeamMember | None,
    organization_name: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    first_owner = link.purpose == links.FIRST_OWNER
    given = values or {}
    context: dict[str, Any] = {
        "title": "Create your account" if first_owner else "Join your team",
        "first_owner": first_owner,
        "organization_name": organization_name,
        "role": member.role if member else "owner",
        "email": given.get("email", member.email if member else ""),
        "name": given.get("name", member.name if member else ""),
        "action": f"{links.WELCOME_PATH}{token}",
        "button": "Create the account and sign in",
        "min_length": MIN_LENGTH,
        "errors": errors or {},
    }
    return page(request, "dashboard/welcome.html", context, status_code=422 if errors else 200)


@router.get("/dashboard/welcome/{token}")
async def welcome_page(request: Request, token: str, secret: ServerSecret) -> Response:
    opened = await _open(request, token, WELCOME, secret)
    if isinstance(opened, HTMLResponse):
        return opened
    return _welcome_form(request, token, *opened)


@router.post("/dashboard/welcome/{token}")
async def welcome_submit(
    request: Request,
    token: str,
    settings: AppSettings,
    secret: ServerSecret,
    name: Annotated[str, Form(max_length=1024)] = "",
    email: Annotated[str | None, Form(max_length=1024)] = None,
    password: Annotated[str, Form(max_length=1024)] = "",
    password_again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    if from_another_site(request):
        return message_page(request, 403, "Not allowed", "Use the form on this site.")

    def use(session: Session, link: OneTimeLink, now: datetime) -> TeamMember:
        account = links.NewAccount(
            name=name,
            password=password,
            password_again=password_again,
            email=(email or "") if link.purpose == links.FIRST_OWNER else None,
        )
        return links.welcome(session, link, account, now)

    def form_again(opened: Opened, errors: dict[str, list[str]]) -> HTMLResponse:
        values = {"name": name, "email": email or ""}
        return _welcome_form(request, token, *opened, values=values, errors=errors)

    return await _use(
        request, token, WELCOME, settings=settings, secret=secret, use=use, form_again=form_again
    )


def _reset_form(
    request: Request,
    token: str,
    member: TeamMember | None,
    organization_name: str,
    errors: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    context = {
        "title": "Choose a new password",
        "email": member.email if member else "",
        "organization_name": organization_name,
        "action": f"{links.RESET_PATH}{token}",
        "min_length": MIN_LENGTH,
        "errors": errors or {},
    }
    return page(
        request, "dashboard/reset_password.html", context, status_code=422 if errors else 200
    )


@router.get("/dashboard/reset/{token}")
async def reset_page(request: Request, token: str, secret: ServerSecret) -> Response:
    opened = await _open(request, token, {links.RESET}, secret)
    if isinstance(opened, HTMLResponse):
        return opened
    _, member, organization_name = opened
    return _reset_form(request, token, member, organization_name)


@router.post("/dashboard/reset/{token}")
async def reset_submit(
    request: Request,
    token: str,
    settings: AppSettings,
    secret: ServerSecret,
    password: Annotated[str, Form(max_length=1024)] = "",
    password_again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    if from_another_site(request):
        return message_page(request, 403, "Not allowed", "Use the form on this site.")

    def use(session: Session, link: OneTimeLink, now: datetime) -> TeamMember:
        return links.reset(session, link, password, password_again, now)

    def form_again(opened: Opened, errors: dict[str, list[str]]) -> HTMLResponse:
        _, member, organization_name = opened
        return _reset_form(request, token, member, organization_name, errors)

    return await _use(
        request,
        token,
        {links.RESET},
        settings=settings,
        secret=secret,
        use=use,
        form_again=form_again,
    )


def _forgot_page(
    request: Request, settings: Settings, *, email: str = "", sent: bool = False
) -> HTMLResponse:
    context = {
        "title": "Forgot your password?",
        "mail_enabled": reset_mail.can_send(settings),
        "email": email,
        "sent": sent,
    }
    return page(request, "dashboard/forgot_password.html", context)


@router.get("/dashboard/forgot-password")
async def forgot_page(request: Request, settings: AppSettings) -> Response:
    return _forgot_page(request, settings)


@router.post("/dashboard/forgot-password")
async def forgot_submit(
    request: Request,
    settings: AppSettings,
    secret: ServerSecret,
    email: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Each request counts like a failed sign-in (a mail bomb is rate-limited), and the answer
    is the same whether or not the email is anyone's; the mail leaves after it."""
    if from_another_site(request):
        return message_page(request, 403, "Not allowed", "Use the form on this site.")
    if not reset_mail.can_send(settings):
        return _forgot_page(request, settings)
    await limits_of(request).record_failed_auth(request)
    now = datetime.now(UTC)

    def run(session: Session) -> list[reset_mail.ResetMail]:
        mails = []
        for member in links.resettable(session, email):
            token = links.make(
                session,
                organization_id=member.organization_id,
                purpose=links.RESET,
                secret=secret,
                now=now,
                member_id=member.id,
            )
            organization = session.get(Organization, member.organization_id)
            assert organization is not None
            link = links.url(settings.public_base_url, links.RESET, token)
            mails.append(reset_mail.ResetMail(member.name, member.email, organization.name, link))
        session.commit()
        return mails

    mails = await Work(request.app.state.database, readonly=False)(run)
    answer = _forgot_page(request, settings, email=email.strip(), sent=True)
    answer.background = BackgroundTask(reset_mail.send_all, mails, settings)
    return answer
