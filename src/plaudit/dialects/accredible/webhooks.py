"""Plaudit's webhooks API, under the Accredible key (a Plaudit extension, see
docs/compatibility.md and *Webhooks* in the README): the organization's subscriptions, their
delivery log, and the replay of a dead letter.

- `POST /v1/notifications/webhooks` with `{"webhook": {"url", "event_types", "body",
  "description"}}`: the subscription and its `secret`, shown this once;
- `GET /v1/notifications/webhooks`, `GET|PATCH|DELETE /v1/notifications/webhooks/{id}` (the
  subscription's UUID), `POST /v1/notifications/webhooks/{id}/rotate_secret`;
- `GET /v1/notifications/webhooks/{id}/deliveries` and `GET /v1/notifications/webhook_deliveries`
  (`page`, `page_size`, `state`), `POST /v1/notifications/webhook_deliveries/{id}/replay`.

Webhooks carry every department's events: a department-scoped key gets a 403 on all of them.
"""

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import Field
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import ApiKey, authorize
from plaudit.dialects.accredible.errors import AccredibleRoute
from plaudit.dialects.accredible.ids import path_id
from plaudit.dialects.accredible.paging import list_parameters, page_meta, page_request
from plaudit.dialects.accredible.schemas import In, LooseStr, Wrapped
from plaudit.domain.errors import Invalid
from plaudit.http.deps import AppSettings, DbWork, ServerSecret
from plaudit.notifications import webhook_outbox
from plaudit.notifications.outbox import utc_iso
from plaudit.services import organizations
from plaudit.services import webhook_subscriptions as subscriptions
from plaudit.services.guarded_network import allowed_hosts
from plaudit.settings import Settings
from plaudit.store.notification_tables import STATES
from plaudit.store.tables import utcnow
from plaudit.store.webhook_tables import CREDLY, THIN, WebhookSubscription

router = APIRouter(route_class=AccredibleRoute, tags=["Webhooks (Plaudit)"])
Json = dict[str, Any]
WEBHOOK = "/v1/notifications/webhooks/{id}"


class WebhookCreateIn(In):
    url: LooseStr
    event_types: list[str] = Field(default_factory=list)
    body: str = THIN
    description: LooseStr | None = None


class WebhookCreate(Wrapped):
    wrapper_key = "webhook"
    webhook: WebhookCreateIn


class WebhookUpdateIn(In):
    url: LooseStr | None = None
    event_types: list[str] | None = None
    body: str | None = None
    description: LooseStr | None = None
    active: bool | None = None


class WebhookUpdate(Wrapped):
    wrapper_key = "webhook"
    webhook: WebhookUpdateIn


def webhook_out(subscription: WebhookSubscription, credly_url: str | None) -> Json:
    """A subscription as the API shows it, never with its secret. Credly's URL is the
    organization's webhook_url at the time."""
    return {
        "id": str(subscription.uuid),
        "source": subscription.source,
        "url": credly_url if subscription.source == CREDLY else subscription.url,
        "event_types": subscription.event_types,
        "body": subscription.body,
        "description": subscription.description,
        "active": subscription.active,
        "created_at": utc_iso(subscription.created_at),
        "updated_at": utc_iso(subscription.updated_at),
    }


def _credly_url(session: Session, organization_id: int) -> str | None:
    return organizations.get_organization(session, organization_id).webhook_url


def _shown(session: Session, subscription: WebhookSubscription) -> Json:
    credly_url = (
        _credly_url(session, subscription.organization_id)
        if subscription.source == CREDLY
        else None
    )
    return webhook_out(subscription, credly_url)


def _allowed(settings: Settings) -> frozenset[str]:
    return allowed_hosts(settings.webhook_allow_hosts)


def _states(parameters: dict[str, Any]) -> tuple[str, ...]:
    state = parameters.get("state")
    if state is None or state == "":
        return ()
    if state not in STATES:
        raise Invalid(fields={"state": [f"must be one of {', '.join(STATES)}"]})
    return (state,)


@router.post("/v1/notifications/webhooks", summary="Create a Webhook (Plaudit)")
async def create_webhook(
    body: WebhookCreate, key: ApiKey, work: DbWork, settings: AppSettings, secret: ServerSecret
) -> Json:
    fields = body.webhook

    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        made = subscriptions.create(
            session,
            secret,
            organization_id=organization_id,
            url=fields.url,
            allowed_hosts=_allowed(settings),
            event_types=fields.event_types,
            body=fields.body,
            description=fields.description,
        )
        response = {"webhook": {**_shown(session, made.subscription), "secret": made.secret}}
        session.commit()
        return response

    return await work(run)


@router.get("/v1/notifications/webhooks", summary="List Webhooks (Plaudit)")
async def list_webhooks(key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        found = subscriptions.list_all(session, organization_id)
        credly_url = _credly_url(session, organization_id)
        return {"webhooks": [webhook_out(item, credly_url) for item in found]}

    return await work(run)


@router.get(WEBHOOK, summary="View a Webhook (Plaudit)")
async def get_webhook(id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        return {"webhook": _shown(session, subscriptions.get(session, organization_id, id))}

    return await work(run)


@router.patch(WEBHOOK, summary="Update a Webhook (Plaudit)")
async def update_webhook(
    id: str, body: WebhookUpdate, key: ApiKey, work: DbWork, settings: AppSettings
) -> Json:
    fields = body.webhook

    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        subscription = subscriptions.update(
            session,
            subscriptions.get(session, organization_id, id),
            allowed_hosts=_allowed(settings),
            url=fields.url,
            event_types=fields.event_types,
            body=fields.body,
            description=fields.description,
            active=fields.active,
        )
        response = {"webhook": _shown(session, subscription)}
        session.commit()
        return response

    return await work(run)


@router.delete(WEBHOOK, summary="Delete a Webhook (Plaudit)")
async def delete_webhook(id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        subscription = subscriptions.get(session, organization_id, id)
        response = {"webhook": _shown(session, subscription)}
        subscriptions.delete(session, subscription)
        session.commit()
        return response

    return await work(run)


@router.post(f"{WEBHOOK}/rotate_secret", summary="Rotate a Webhook's Secret (Plaudit)")
async def rotate_secret(id: str, key: ApiKey, work: DbWork, secret: ServerSecret) -> Json:
    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        subscription = subscriptions.get(session, organization_id, id)
        new_secret = subscriptions.rotate_secret(session, subscription, secret)
        response = {"webhook": {**_shown(session, subscription), "secret": new_secret}}
        session.commit()
        return response

    return await work(run)


@router.get(f"{WEBHOOK}/deliveries", summary="List a Webhook's Deliveries (Plaudit)")
async def list_webhook_deliveries(
    id: str, key: ApiKey, work: DbWork, parameters: dict[str, Any] = Depends(list_parameters)
) -> Json:
    return await _deliveries(id, key, work, parameters)


@router.get("/v1/notifications/webhook_deliveries", summary="List Webhook Deliveries (Plaudit)")
async def list_deliveries(
    key: ApiKey, work: DbWork, parameters: dict[str, Any] = Depends(list_parameters)
) -> Json:
    return await _deliveries(None, key, work, parameters)


async def _deliveries(
    subscription_uuid: str | None, key: str | None, work: DbWork, parameters: dict[str, Any]
) -> Json:
    paging = page_request(parameters)
    states = _states(parameters)

    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        subscription_id = (
            subscriptions.get(session, organization_id, subscription_uuid).id
            if subscription_uuid is not None
            else None
        )
        shown, total = webhook_outbox.page(
            session,
            organization_id,
            states,
            subscription_id=subscription_id,
            offset=(paging.page - 1) * paging.page_size,
            limit=paging.page_size,
        )
        return {"webhook_deliveries": shown, "meta": page_meta(paging, total)}

    return await work(run)


@router.post(
    "/v1/notifications/webhook_deliveries/{id}/replay",
    summary="Replay a Webhook Delivery (Plaudit)",
)
async def replay_delivery(id: str, key: ApiKey, work: DbWork) -> Json:
    def run(session: Session) -> Json:
        organization_id = subscriptions.organization_of(authorize(session, key))
        delivery = webhook_outbox.get(session, organization_id, path_id(id, "webhook_delivery"))
        webhook_outbox.replay(session, delivery, utcnow())
        subscription_uuid = webhook_outbox.subscription_uuid(session, delivery)
        response = {"webhook_delivery": webhook_outbox.describe(delivery, subscription_uuid)}
        session.commit()
        return response

    return await work(run)
