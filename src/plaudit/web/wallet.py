"""The recipient's wallet: `GET /wallet` lists the signed-in recipient's credentials in the
organization that signed them in; from there they open each, download its PDF, make it private
or public (`POST /wallet/credentials/{encoded_id}/privacy`), accept or reject a pending badge
(`POST /wallet/credentials/{encoded_id}/acceptance`, services/badge_lifecycle.py) and sign out
(`POST /wallet/sign-out`). Every form carries a token tied to the session (web/csrf.py).

`?embed=1` is the framable version an `embed` SSO link lands on, inside the issuer's iframe
(docs/adr/0006); its forms say `embed=1` so that what they answer can be shown in the frame too.
"""

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from plaudit.domain import credential_state
from plaudit.domain.errors import Conflict, NotFound, Unauthenticated
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.services import badge_lifecycle, organizations, public_credentials, recipients
from plaudit.settings import Settings
from plaudit.store.tables import Credential
from plaudit.web import csrf, organization_files, urls
from plaudit.web import session as recipient_session
from plaudit.web.credential_view import day
from plaudit.web.pages import WebRoute, message_page, page
from plaudit.web.session import RecipientSession

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/wallet")
async def wallet(
    request: Request,
    settings: AppSettings,
    secret: ServerSecret,
    credential: str | None = None,
    embed: bool = False,
) -> HTMLResponse:
    who = recipient_session.signed_in(request, secret, settings)
    if who is None:
        return _not_signed_in(request, embed)
    base_url = settings.public_base_url
    today = datetime.now(UTC).date()

    def run(session: Session) -> dict[str, Any]:
        try:
            organization = organizations.get_organization(session, who.organization_id)
        except NotFound:
            raise Unauthenticated() from None
        owned = recipients.credentials_of(session, who.organization_id, who.email)
        shown = [item for item in owned if item.encoded_id == credential] if credential else owned
        if credential and not shown:
            raise NotFound("credential")
        revoked = public_credentials.revoked_among(session, [item.id for item in shown])
        return {
            "title": "Your credentials",
            "organization_name": organization.name,
            "organization_logo": organization_files.logo_url(base_url, organization),
            "theme_css": organization_files.theme_url(base_url, organization),
            "recipient_name": owned[0].recipient_name if owned else who.email,
            "credentials": [_card(item, base_url, today, item.id in revoked) for item in shown],
            "focused": credential is not None,
            "all_url": urls.wallet(base_url, **({"embed": "1"} if embed else {})),
            "sign_out_url": urls.sign_out(base_url),
            "csrf_token": csrf.token(request, secret),
        }

    context = await Work(request.app.state.database, readonly=True)(run)
    return page(request, "wallet.html", context, embed=embed)


def _card(credential: Credential, base_url: str, today: date, revoked: bool) -> dict[str, Any]:
    encoded = credential.encoded_id
    state = credential_state.state_of(
        expired_on=credential.expired_on, revoked=revoked, today=today
    )
    return {
        "encoded_id": encoded,
        "name": credential.name,
        "course_name": credential.achievement.course_name,
        "issued_on": day(credential.issued_on),
        "expired_on": day(credential.expired_on) if credential.expired_on else None,
        "state": state.value,
        "private": credential.private,
        "url": urls.credential_page(base_url, encoded),
        "badge": urls.badge_image(base_url, encoded),
        "pdf": urls.outgoing(base_url, encoded, "pdf"),
        "verifiable": urls.credential_json(base_url, encoded),
        "privacy_url": urls.wallet_privacy(base_url, encoded),
        # The earner's answer to the badge (Credly's states); a replaced one is history.
        "badge_state": "replaced" if credential.replaced_by_id is not None else credential.state,
        "answerable": credential.state == badge_lifecycle.PENDING
        and credential.replaced_by_id is None,
        "acceptance_url": urls.wallet_acceptance(base_url, encoded),
    }


@router.post("/wallet/credentials/{encoded_id}/privacy")
async def set_privacy(
    request: Request, encoded_id: str, settings: AppSettings, secret: ServerSecret
) -> Response:
    form = await request.form()
    embed = form.get("embed") == "1"
    who = _signed_in_poster(request, secret, settings, form, embed)
    if isinstance(who, Response):
        return who
    if form.get("private") not in ("true", "false"):
        return message_page(request, 400, "Bad request", "This form is not valid.", embed=embed)
    private = form.get("private") == "true"

    def run(session: Session) -> None:
        recipients.set_private(session, who.organization_id, who.email, encoded_id, private)
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return _back_to_credential(settings, embed, encoded_id)


@router.post("/wallet/credentials/{encoded_id}/acceptance")
async def answer_badge(
    request: Request, encoded_id: str, settings: AppSettings, secret: ServerSecret
) -> Response:
    """The recipient accepts (`answer=accept`) or rejects (`answer=reject`) a pending badge."""
    form = await request.form()
    embed = form.get("embed") == "1"
    who = _signed_in_poster(request, secret, settings, form, embed)
    if isinstance(who, Response):
        return who
    answers = {"accept": badge_lifecycle.accept, "reject": badge_lifecycle.reject}
    answer = answers.get(str(form.get("answer")))
    if answer is None:
        return message_page(request, 400, "Bad request", "This form is not valid.", embed=embed)

    def run(session: Session) -> None:
        answer(
            session, recipients.own_credential(session, who.organization_id, who.email, encoded_id)
        )
        session.commit()

    try:
        await Work(request.app.state.database, readonly=False)(run)
    except Conflict:
        text = "This credential was already accepted, rejected, revoked or replaced."
        return message_page(request, 409, "This credential cannot change", text, embed=embed)
    return _back_to_credential(settings, embed, encoded_id)


@router.post("/wallet/sign-out")
async def sign_out(request: Request, settings: AppSettings, secret: ServerSecret) -> Response:
    form = await request.form()
    embed = form.get("embed") == "1"
    if isinstance(refused := _signed_in_poster(request, secret, settings, form, embed), Response):
        return refused
    text = "You have signed out of your credentials. Your sign-in link from your organization "
    text += "signs you in again."
    response = message_page(request, 200, "You are signed out", text, embed=embed)
    recipient_session.sign_out(request, response, settings)
    return response


def _signed_in_poster(
    request: Request, secret: bytes, settings: Settings, form: FormData, embed: bool
) -> RecipientSession | Response:
    """The recipient posting a wallet form, or the page refusing it: not signed in (see
    `_not_signed_in`) or a form without this session's CSRF token."""
    who = recipient_session.signed_in(request, secret, settings)
    if who is None:
        return _not_signed_in(request, embed)
    if not csrf.is_valid(request, secret, form.get("csrf_token")):
        return _stale_form(request, embed)
    return who


def _back_to_credential(settings: Settings, embed: bool, encoded_id: str) -> RedirectResponse:
    query = {"embed": "1"} if embed else {}
    back = f"{urls.wallet(settings.public_base_url, **query)}#credential-{encoded_id}"
    return RedirectResponse(back, status_code=303, headers={"Cache-Control": "no-store"})


def _stale_form(request: Request, embed: bool) -> Response:
    text = "This form is out of date or did not come from this site. Reload the page and try again."
    return message_page(request, 403, "This form has expired", text, embed=embed)


def _not_signed_in(request: Request, embed: bool) -> HTMLResponse:
    """Raises Unauthenticated (the common 401 page); the embedded wallet instead answers a
    framable page, shown in the issuer's frame rather than refused by it. There, besides an
    ended session, the cause may be a browser that keeps every cookie from other sites' frames
    away, partitioned or not."""
    if not embed:
        raise Unauthenticated()
    text = "Your session has ended, or your browser does not let this page sign you in inside "
    text += "another site. Open your credentials from your organization again."
    return message_page(request, 401, "You are not signed in", text, embed=True)
