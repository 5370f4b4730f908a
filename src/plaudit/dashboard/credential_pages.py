"""`/dashboard/credentials`: the list, one credential, and what an issuer may do to it.

Each action (revoke, un-publish, publish, delete, re-send the notification) has a confirmation
page at `/dashboard/credentials/{id}/{action}` whose form POSTs to the same address; the change
goes through the service the API uses (the same rules, events and so webhooks)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plaudit.dashboard import credential_detail, credential_list
from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.credentials import CredentialFields
from plaudit.domain.errors import Conflict, Invalid, NotFound
from plaudit.domain.scope import Scope
from plaudit.http.deps import Work
from plaudit.notifications import resend
from plaudit.services import badge_lifecycle, credentials
from plaudit.settings import Settings
from plaudit.store.tables import Credential

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

MAX_REASON = 1000


@dataclass(frozen=True)
class CredentialAction:
    title: str
    button: str
    explanation: str
    done: str
    danger: bool = False


ACTIONS: dict[str, CredentialAction] = {
    "revoke": CredentialAction(
        "Revoke this credential",
        "Revoke credential",
        "Revoking is for good: its page will say it is revoked and every verifier will reject "
        "it. It cannot be undone.",
        "The credential is revoked.",
        danger=True,
    ),
    "unpublish": CredentialAction(
        "Un-publish this credential",
        "Un-publish credential",
        "Its page and files stop answering until you publish it again.",
        "The credential is unpublished.",
    ),
    "publish": CredentialAction(
        "Publish this credential",
        "Publish credential",
        "Its page and files become available, using one credit, and its recipient is notified "
        "unless notifications are suppressed for it.",
        "The credential is published.",
    ),
    "delete": CredentialAction(
        "Delete this credential",
        "Delete credential",
        "Deleting removes the credential for good: its page will say it was deleted. It cannot "
        "be undone.",
        "The credential was deleted.",
        danger=True,
    ),
    "resend": CredentialAction(
        "Send the notification again",
        "Re-send notification",
        "Its recipient gets the email that announced the credential once more.",
        "The notification is queued.",
    ),
}
# Notices after a redirect, by the `done` parameter (besides each action's own).
NOTICES = {
    "unsubscribed": "Its recipient has unsubscribed from your organization's mail: nothing was "
    "sent.",
    "issued": "The credential is issued.",
    "issued_unpublished": "The credential is issued, unpublished: your organization has no "
    "credits left to publish it.",
}


@router.get("/dashboard/credentials")
async def credential_list_page(
    request: Request, signed_in: Annotated[SignedIn, Depends(require(Action.READ))]
) -> HTMLResponse:
    parsed = credential_list.parse(request.query_params)
    scope = signed_in.scope
    today = datetime.now(UTC).date()

    def run(session: Session) -> tuple[credential_list.ListPage | None, list[tuple[int, str]]]:
        choices = credential_list.achievement_choices(session, scope)
        if parsed.errors:
            return None, choices
        return credential_list.list_page(session, scope, parsed.query, today=today), choices

    listed, choices = await Work(request.app.state.database, readonly=True)(run)
    context = {
        "title": "Credentials",
        "query": parsed.query,
        "errors": parsed.errors,
        "listed": listed,
        "achievements": choices,
        "states": credential_list.STATES,
        "page_sizes": credential_list.PAGE_SIZES,
        "notice": _notice(request),
    }
    return show(
        request, signed_in, "credentials.html", context, status_code=400 if parsed.errors else 200
    )


@router.get("/dashboard/credentials/{credential_id}")
async def credential_page(
    request: Request,
    credential_id: str,
    signed_in: Annotated[SignedIn, Depends(require(Action.READ))],
) -> HTMLResponse:
    state = request.app.state
    scope = signed_in.scope
    found = await Work(state.database, readonly=True)(
        lambda session: credential_detail.detail(
            session,
            scope,
            credential_id,
            base_url=state.settings.public_base_url,
            secret=state.server_secret,
            today=datetime.now(UTC).date(),
        )
    )
    context = {
        "title": found.credential.recipient_name,
        "detail": found,
        "credential": found.credential,
        "actions": ACTIONS,
        "notice": _notice(request),
    }
    return show(request, signed_in, "credential.html", context)


@router.get("/dashboard/credentials/{credential_id}/{action}")
async def confirm_page(
    request: Request,
    credential_id: str,
    action: str,
    signed_in: Annotated[SignedIn, Depends(require(Action.ISSUE))],
) -> HTMLResponse:
    _known(action)
    scope = signed_in.scope
    credential = await Work(request.app.state.database, readonly=True)(
        lambda session: credential_detail.find(session, scope, credential_id)
    )
    return _confirm(request, signed_in, credential, action)


@dataclass(frozen=True)
class Outcome:
    done: str = ""  # the notice the credential's page shows after the redirect
    refused: str = ""  # why the service refused the action (nothing changed)


@router.post("/dashboard/credentials/{credential_id}/{action}")
async def perform(
    request: Request,
    credential_id: str,
    action: str,
    signed_in: Annotated[SignedIn, Depends(require(Action.ISSUE))],
) -> Response:
    _known(action)
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    notify = form.get("notify") == "yes"
    state = request.app.state
    server = Applying(state.settings, state.server_secret)
    scope = signed_in.scope
    now = datetime.now(UTC)

    def find(session: Session) -> Credential:
        return credential_detail.find(session, scope, credential_id)

    if len(reason) > MAX_REASON:
        credential = await Work(state.database, readonly=True)(find)
        errors = {"reason": f"Write at most {MAX_REASON} characters."}
        return _confirm(
            request, signed_in, credential, action, errors=errors, reason=reason, status_code=422
        )

    def run(session: Session) -> Outcome:
        credential = find(session)
        try:
            done = _apply(session, scope, credential, action, reason, notify, server, now)
        except (Conflict, Invalid) as refused:
            session.rollback()
            return Outcome(refused=_refusal_text(refused))
        session.commit()
        return Outcome(done=done)

    outcome = await Work(state.database, readonly=False)(run)
    if outcome.refused:
        credential = await Work(state.database, readonly=True)(find)
        return _confirm(
            request, signed_in, credential, action, error=outcome.refused, status_code=409
        )
    if action == "delete":
        return RedirectResponse(f"{credential_list.PATH}?done=delete", status_code=303)
    return RedirectResponse(
        f"{credential_list.PATH}/{credential_id}?done={outcome.done}", status_code=303
    )


@dataclass(frozen=True)
class Applying:
    """What an action needs of the server besides the database (the re-sent mail's links)."""

    settings: Settings
    secret: bytes


def _apply(
    session: Session,
    scope: Scope,
    credential: Credential,
    action: str,
    reason: str,
    notify: bool,
    server: Applying,
    now: datetime,
) -> str:
    """Perform `action` through the API's services; the notice to show."""
    if action == "revoke":
        badge_lifecycle.revoke(session, scope, credential, reason or None, not notify)
    elif action in ("publish", "unpublish"):
        credentials.change(
            session, scope, credential, CredentialFields(approve=action == "publish")
        )
    elif action == "delete":
        credentials.remove(session, credential)
    elif action == "resend":
        mail = resend.resend(session, credential, server.settings, server.secret, now)
        return action if mail is not None else "unsubscribed"
    return action


def _refusal_text(refused: Conflict | Invalid) -> str:
    if isinstance(refused, Conflict):
        return refused.message
    if refused.code == "credits.insufficient":
        return "Your organization has no credits left to publish this credential."
    reasons = [f"{name}: {', '.join(texts)}" for name, texts in refused.fields.items()]
    return "; ".join(reasons) or "This change is not allowed."


def _known(name: str) -> CredentialAction:
    if name not in ACTIONS:
        raise NotFound("page")
    return ACTIONS[name]


def _notice(request: Request) -> str | None:
    done = request.query_params.get("done", "")
    return ACTIONS[done].done if done in ACTIONS else NOTICES.get(done)


def _confirm(
    request: Request,
    signed_in: SignedIn,
    credential: Credential,
    action: str,
    *,
    error: str | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    wanted = ACTIONS[action]
    if action not in credential_detail.actions_for(credential) and error is None:
        error = "This credential's state does not allow this action."
        status_code = 409 if status_code == 200 else status_code
    context = {
        "title": wanted.title,
        "credential": credential,
        "action": action,
        "wanted": wanted,
        "error": error,
        "errors": errors or {},
        "reason": reason,
        "max_reason": MAX_REASON,
    }
    return show(request, signed_in, "credential_confirm.html", context, status_code=status_code)
