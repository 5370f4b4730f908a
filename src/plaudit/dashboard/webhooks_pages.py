"""`/dashboard/webhooks`: the organization's webhook subscriptions, through the same service
and checks as the API (services/webhook_subscriptions.py): made (the signing secret shown once),
paused and resumed, deleted after a confirmation, each with its latest deliveries."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.dashboard.guard import DashboardRoute, require
from plaudit.dashboard.pages import show
from plaudit.dashboard.roles import Action
from plaudit.dashboard.sessions import SignedIn
from plaudit.domain.errors import Conflict, Invalid
from plaudit.http.deps import AppSettings, ServerSecret, Work
from plaudit.services import webhook_subscriptions as subscriptions
from plaudit.services.guarded_network import allowed_hosts
from plaudit.store.webhook_tables import THIN, WebhookDelivery, WebhookSubscription

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

WEBHOOKS = "/dashboard/webhooks"
LATEST_DELIVERIES = 5
Integrator = Annotated[SignedIn, Depends(require(Action.INTEGRATIONS))]
DONE = {
    "paused": "The webhook is paused: nothing is sent to it until it is resumed.",
    "resumed": "The webhook is active again.",
    "deleted": "The webhook and its deliveries are deleted.",
}


def _listing(
    session: Session, organization_id: int
) -> list[tuple[WebhookSubscription, list[WebhookDelivery]]]:
    return [
        (
            subscription,
            list(
                session.scalars(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.subscription_id == subscription.id)
                    .order_by(WebhookDelivery.id.desc())
                    .limit(LATEST_DELIVERIES)
                )
            ),
        )
        for subscription in subscriptions.list_all(session, organization_id)
    ]


async def _webhooks_page(
    request: Request,
    signed_in: SignedIn,
    *,
    notice: str | None = None,
    error: str | None = None,
    given: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    listed = await Work(request.app.state.database, readonly=True)(
        lambda session: _listing(session, signed_in.organization_id)
    )
    context: dict[str, Any] = {
        "title": "Webhooks",
        "notice": notice,
        "error": error,
        "listed": listed,
        "event_types": subscriptions.EVENT_TYPES,
        "bodies": subscriptions.BODIES,
        "given": given or {"url": "", "description": "", "event_types": [], "body": THIN},
        "errors": errors or {},
    }
    return show(request, signed_in, "webhooks.html", context, status_code=status_code)


@router.get(WEBHOOKS)
async def webhooks_page(
    request: Request, signed_in: Integrator, done: str | None = None
) -> Response:
    return await _webhooks_page(request, signed_in, notice=DONE.get(done or ""))


@router.post(WEBHOOKS)
async def create_webhook(
    request: Request,
    signed_in: Integrator,
    settings: AppSettings,
    secret: ServerSecret,
    url: Annotated[str, Form(max_length=4096)] = "",
    description: Annotated[str, Form(max_length=1024)] = "",
    event_types: Annotated[list[str] | None, Form(max_length=64)] = None,
    body: Annotated[str, Form(max_length=16)] = THIN,
) -> Response:
    chosen = event_types or []

    def run(session: Session) -> subscriptions.Made:
        made = subscriptions.create(
            session,
            secret,
            organization_id=signed_in.organization_id,
            url=url,
            allowed_hosts=allowed_hosts(settings.webhook_allow_hosts),
            event_types=chosen,
            body=body,
            description=description,
        )
        session.commit()
        return made

    try:
        made = await Work(request.app.state.database, readonly=False)(run)
    except Invalid as error:
        given = {"url": url, "description": description, "event_types": chosen, "body": body}
        return await _webhooks_page(
            request, signed_in, given=given, errors=error.fields, status_code=422
        )
    context = {"title": "New webhook", "made": made.subscription, "secret": made.secret}
    return show(request, signed_in, "webhook_made.html", context)


@router.post(f"{WEBHOOKS}/{{subscription_id}}/active")
async def set_active(
    request: Request,
    signed_in: Integrator,
    settings: AppSettings,
    subscription_id: str,
    active: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    wanted = active == "1"

    def run(session: Session) -> None:
        subscriptions.update(
            session,
            subscriptions.get(session, signed_in.organization_id, subscription_id),
            allowed_hosts=allowed_hosts(settings.webhook_allow_hosts),
            active=wanted,
        )
        session.commit()

    await Work(request.app.state.database, readonly=False)(run)
    return RedirectResponse(f"{WEBHOOKS}?done={'resumed' if wanted else 'paused'}", status_code=303)


@router.get(f"{WEBHOOKS}/{{subscription_id}}/delete")
async def delete_page(request: Request, signed_in: Integrator, subscription_id: str) -> Response:
    subscription = await Work(request.app.state.database, readonly=True)(
        lambda session: subscriptions.get(session, signed_in.organization_id, subscription_id)
    )
    context = {"title": "Delete a webhook", "subscription": subscription}
    return show(request, signed_in, "webhook_delete.html", context)


@router.post(f"{WEBHOOKS}/{{subscription_id}}/delete")
async def delete(request: Request, signed_in: Integrator, subscription_id: str) -> Response:
    def run(session: Session) -> None:
        subscriptions.delete(
            session, subscriptions.get(session, signed_in.organization_id, subscription_id)
        )
        session.commit()

    try:
        await Work(request.app.state.database, readonly=False)(run)
    except Conflict as error:
        return await _webhooks_page(request, signed_in, error=str(error), status_code=409)
    return RedirectResponse(f"{WEBHOOKS}?done=deleted", status_code=303)
