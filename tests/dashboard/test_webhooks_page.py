"""`/dashboard/webhooks`: owners and admins make webhooks through the same checks as the API
(the secret shown once), pause, resume and delete them, and see their latest deliveries;
viewers and issuers cannot."""

import re
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import select

from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.webhook_tables import WebhookDelivery, WebhookSubscription
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

SHOWN_SECRET = re.compile(
    r'id="webhook-secret" class="dash-secret" type="text" readonly value="([^"]+)"'
)
HOOK = "https://hooks.example.org/plaudit"


def hooks_of(database: Database, organization_id: int) -> list[tuple[str, str | None, bool, str]]:
    with database.session(readonly=True) as session:
        rows = session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.organization_id == organization_id)
            .order_by(WebhookSubscription.id)
        ).all()
        return [(str(row.uuid), row.url, row.active, row.body) for row in rows]


def make_hook(client: httpx.Client, token: str, **fields: object) -> httpx.Response:
    data = {"csrf_token": token, "url": HOOK, "body": "thin", **fields}
    return client.post("/dashboard/webhooks", data=data)


def test_a_webhook_is_made_with_its_secret_shown_once_paused_and_deleted(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member, api: httpx.Client
) -> None:
    with signed_in_client(live_server.base_url, admin) as client:
        token = form_token(client, "/dashboard/webhooks")
        made = make_hook(
            client,
            token,
            body="full",
            description="CRM",
            event_types=["badge.created", "badge.deleted"],
        )
        assert made.status_code == 200
        secret = SHOWN_SECRET.search(made.text).group(1)
        assert secret.startswith("whsec_")
        [(uuid, url, active, body)] = hooks_of(database, tenant.organization_id)
        assert (url, active, body) == (HOOK, True, "full")
        # The API sees the same subscription.
        assert api.get(f"/v1/notifications/webhooks/{uuid}").status_code == 200

        # Its latest deliveries are listed.
        with database.transaction() as session:
            subscription = session.scalars(
                select(WebhookSubscription).where(WebhookSubscription.uuid == UUID(uuid))
            ).one()
            session.add(
                WebhookDelivery(
                    organization_id=tenant.organization_id,
                    subscription_id=subscription.id,
                    event_id=1,
                    event_uuid=uuid4(),
                    event_type="badge.created",
                    body="{}",
                    response_status=502,
                    state="failed",
                )
            )
        page = client.get("/dashboard/webhooks").text
        assert HOOK in page and "CRM" in page and secret not in page
        assert "badge.created" in page and "502" in page and "failed" in page

        paused = client.post(
            f"/dashboard/webhooks/{uuid}/active", data={"csrf_token": token, "active": "0"}
        )
        assert paused.status_code == 303
        assert hooks_of(database, tenant.organization_id)[0][2] is False
        resumed = client.post(
            f"/dashboard/webhooks/{uuid}/active", data={"csrf_token": token, "active": "1"}
        )
        assert resumed.status_code == 303
        assert hooks_of(database, tenant.organization_id)[0][2] is True

        assert client.get(f"/dashboard/webhooks/{uuid}/delete").status_code == 200
        deleted = client.post(f"/dashboard/webhooks/{uuid}/delete", data={"csrf_token": token})
        assert deleted.status_code == 303
    assert hooks_of(database, tenant.organization_id) == []


def test_the_apis_checks_refuse_bad_webhooks_and_the_form_shows_why(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    with signed_in_client(live_server.base_url, admin) as client:
        token = form_token(client, "/dashboard/webhooks")
        for fields, field in (
            ({"url": "http://hooks.example.org/x"}, "url"),
            ({"url": "https://127.0.0.1/x"}, "url"),
            ({"url": "not a url"}, "url"),
            ({"event_types": ["badge.exploded"]}, "event_types"),
            ({"body": "huge"}, "body"),
        ):
            answer = make_hook(client, token, **fields)
            assert answer.status_code == 422, fields
            assert f'id="{field}-error"' in answer.text, fields
    assert hooks_of(database, tenant.organization_id) == []


@pytest.mark.parametrize("role", ["viewer", "issuer"])
def test_viewers_and_issuers_cannot_see_or_change_webhooks(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    admin: Member,
    role: str,
) -> None:
    with signed_in_client(live_server.base_url, admin) as client:
        assert make_hook(client, form_token(client, "/dashboard/webhooks")).status_code == 200
    before = hooks_of(database, tenant.organization_id)
    uuid = before[0][0]
    weak = make_member(database, tenant.organization_id, role)
    with signed_in_client(live_server.base_url, weak) as client:
        assert client.get("/dashboard/webhooks").status_code == 403
        assert client.get(f"/dashboard/webhooks/{uuid}/delete").status_code == 403
        assert 'href="/dashboard/webhooks"' not in client.get("/dashboard").text
        token = session_form_token(client, server_secret(settings))
        for path, data in {
            "/dashboard/webhooks": {"url": HOOK},
            f"/dashboard/webhooks/{uuid}/active": {"active": "0"},
            f"/dashboard/webhooks/{uuid}/delete": {},
        }.items():
            assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    assert hooks_of(database, tenant.organization_id) == before


def test_form_tokens_are_checked_and_another_organizations_webhook_is_not_found(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    other = make_tenant(database, name="Other Academy")
    stranger = make_member(database, other.organization_id, "admin")
    with signed_in_client(live_server.base_url, stranger) as client:
        stolen = form_token(client, "/dashboard/webhooks")
        assert make_hook(client, stolen).status_code == 200
    [(foreign, *_)] = hooks_of(database, other.organization_id)
    with signed_in_client(live_server.base_url, admin) as client:
        assert client.post("/dashboard/webhooks", data={"url": HOOK}).status_code == 403
        assert make_hook(client, stolen).status_code == 403
        token = form_token(client, "/dashboard/webhooks")
        assert client.get(f"/dashboard/webhooks/{foreign}/delete").status_code == 404
        assert client.get("/dashboard/webhooks/not-a-uuid/delete").status_code == 404
        for path, data in {
            f"/dashboard/webhooks/{foreign}/active": {"active": "0"},
            f"/dashboard/webhooks/{foreign}/delete": {},
        }.items():
            assert client.post(path, data={"csrf_token": token, **data}).status_code == 404, path
    assert hooks_of(database, tenant.organization_id) == []
    assert hooks_of(database, other.organization_id)[0][2] is True
