"""The webhooks API (a Plaudit extension under the Accredible key) and `plaudit outbox
--webhooks`: subscriptions made, seen, changed and removed, their secret shown once, the
delivery log per subscription and per organization, and the replay of a dead letter."""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from plaudit.notifications.outbox import utc_iso
from plaudit.server_secret import server_secret
from plaudit.services import webhook_subscriptions
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.notification_tables import DEAD, FAILED, PENDING, SENT
from plaudit.store.tables import Organization
from plaudit.store.webhook_tables import WebhookDelivery, WebhookSubscription
from tests.notifications.conftest import deliver, outbox_cli
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, add_department, department_key, make_tenant
from tests.support.webhook_listener import Listener, webhook_listener
from tests.support.webhook_rows import FAILED_ANSWER, deliveries, nothing_due

HOOKS = "/v1/notifications/webhooks"
DELIVERIES = "/v1/notifications/webhook_deliveries"
RECEIVER = "https://hooks.example.org/plaudit"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with webhook_listener() as running:
        yield running


@pytest.fixture(autouse=True)
def nothing_left_due(mail_database: Database) -> Iterator[None]:
    yield
    nothing_due(mail_database)


def make_webhook(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = api.post(HOOKS, json={"webhook": {"url": RECEIVER, **fields}})
    assert response.status_code == 200, response.text
    return response.json()["webhook"]


def subscription_row(database: Database, webhook_uuid: str) -> WebhookSubscription:
    with database.session(readonly=True) as session:
        row = session.scalar(
            select(WebhookSubscription).where(WebhookSubscription.uuid == uuid.UUID(webhook_uuid))
        )
        assert row is not None
        return row


def add_deliveries(database: Database, webhook_uuid: str, states: list[str]) -> list[int]:
    return deliveries(database, subscription_row(database, webhook_uuid), states)


def delivery_row(database: Database, delivery_id: int) -> WebhookDelivery:
    with database.session(readonly=True) as session:
        row = session.get(WebhookDelivery, delivery_id)
        assert row is not None
        return row


@pytest.fixture
def stranger(mail_server: LiveServer, mail_database: Database) -> Iterator[httpx.Client]:
    """Another organization's API client."""
    other = make_tenant(mail_database, "Other Academy")
    headers = {"Authorization": f"Token token={other.api_key}"}
    with httpx.Client(base_url=mail_server.base_url, headers=headers, timeout=30) as client:
        yield client


def test_a_webhook_is_made_seen_changed_and_removed_with_its_secret_shown_once(
    mail_api: httpx.Client, mail_database: Database, mail_settings: Settings
) -> None:
    made = make_webhook(
        mail_api, event_types=["badge.created", "badge.created"], body="full", description=" HR "
    )
    secret = made.pop("secret")
    assert secret.startswith("whsec_") and len(secret) > 40
    assert (made["url"], made["source"], made["event_types"], made["body"]) == (
        RECEIVER,
        "plaudit",
        ["badge.created"],
        "full",
    )
    assert (made["description"], made["active"]) == ("HR", True)
    row = subscription_row(mail_database, made["id"])
    assert secret.encode() not in row.secret_ciphertext
    assert webhook_subscriptions.signing_secret(row, server_secret(mail_settings)) == (
        secret.encode()
    )

    listed = mail_api.get(HOOKS)
    assert listed.status_code == 200 and listed.json() == {"webhooks": [made]}
    shown = mail_api.get(f"{HOOKS}/{made['id']}")
    assert shown.json() == {"webhook": made}
    assert secret not in shown.text + listed.text

    changed = mail_api.patch(
        f"{HOOKS}/{made['id']}",
        json={"webhook": {"event_types": [], "body": "thin", "active": False}},
    )
    assert changed.status_code == 200, changed.text
    webhook = changed.json()["webhook"]
    assert (webhook["event_types"], webhook["body"], webhook["active"]) == ([], "thin", False)
    assert webhook["url"] == RECEIVER and "secret" not in webhook

    rotated = mail_api.post(f"{HOOKS}/{made['id']}/rotate_secret")
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["webhook"]["secret"]
    assert new_secret.startswith("whsec_") and new_secret != secret
    assert new_secret not in mail_api.get(HOOKS).text
    row = subscription_row(mail_database, made["id"])
    assert webhook_subscriptions.signing_secret(row, server_secret(mail_settings)) == (
        new_secret.encode()
    )

    removed = mail_api.delete(f"{HOOKS}/{made['id']}")
    assert removed.status_code == 200 and removed.json()["webhook"]["id"] == made["id"]
    assert mail_api.get(f"{HOOKS}/{made['id']}").status_code == 404
    assert mail_api.get(HOOKS).json() == {"webhooks": []}


ALLOWANCE = " (only for hosts PLAUDIT_WEBHOOK_ALLOW_HOSTS names)"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (
            {"url": "http://hooks.example.org/x"},
            "url",
            "must be an https URL (plain http only for hosts PLAUDIT_WEBHOOK_ALLOW_HOSTS names)",
        ),
        (
            {"url": "https://10.1.2.3/x"},
            "url",
            "must not be a private, loopback or link-local address" + ALLOWANCE,
        ),
        (
            {"url": "https://[::1]:8443/x"},
            "url",
            "must not be a private, loopback or link-local address" + ALLOWANCE,
        ),
        (
            {"url": "https://localhost/x"},
            "url",
            "must not be a private, loopback or link-local address" + ALLOWANCE,
        ),
        (
            {"url": "https://user:pw@hooks.example.org/"},
            "url",
            "must not carry a user name or password",
        ),
        ({"url": "ftp://hooks.example.org/"}, "url", "must be an https URL"),
        ({"url": "https://hooks.example.org/a b"}, "url", "is not a valid URL"),
        ({"url": "https://x.org/" + "a" * 2048}, "url", "is too long (maximum is 2048 characters)"),
        ({"url": None}, "url", "is invalid"),
        (
            {"event_types": ["badge.exploded"]},
            "event_types",
            "'badge.exploded' is not one of badge.created, badge.state.changed, badge.deleted, "
            "badge.published, badge_template.created, badge_template.changed, "
            "badge_template.deleted",
        ),
        ({"event_types": "badge.created"}, "event_types", "is invalid"),
        ({"body": "fat"}, "body", "must be one of thin, full"),
        ({"description": "d" * 256}, "description", "is too long (maximum is 255 characters)"),
    ],
)
def test_a_bad_webhook_is_refused_in_accredibles_format_and_nothing_is_made(
    mail_api: httpx.Client, fields: dict[str, Any], field: str, reason: str
) -> None:
    response = mail_api.post(HOOKS, json={"webhook": {"url": RECEIVER, **fields}})
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": {field: [reason]}}
    assert mail_api.get(HOOKS).json() == {"webhooks": []}


def test_loopback_over_http_is_allowed_for_an_allowed_host_and_bad_json_is_a_400(
    mail_api: httpx.Client,
) -> None:
    made = make_webhook(mail_api, url="http://127.0.0.1:9/hook")
    assert made["url"] == "http://127.0.0.1:9/hook"
    bad = mail_api.post(HOOKS, content=b'{"webhook": ', headers={"Content-Type": "text/json"})
    assert bad.status_code == 400 and bad.json() == {"errors": "Request body is not valid JSON"}
    nul = mail_api.post(HOOKS, json={"webhook": {"url": RECEIVER, "description": "a\x00b"}})
    assert nul.status_code == 422
    patched = mail_api.patch(f"{HOOKS}/{made['id']}", json={"webhook": {"body": "fat"}})
    assert patched.status_code == 422 and patched.json() == {
        "errors": {"body": ["must be one of thin, full"]}
    }
    assert mail_api.get(f"{HOOKS}/{made['id']}").json()["webhook"]["body"] == "thin"


def test_another_organizations_webhooks_and_deliveries_are_not_found(
    mail_api: httpx.Client, mail_database: Database, stranger: httpx.Client
) -> None:
    made = make_webhook(mail_api)
    [dead] = add_deliveries(mail_database, made["id"], [DEAD])
    hook = f"{HOOKS}/{made['id']}"
    for response in (
        stranger.get(hook),
        stranger.patch(hook, json={"webhook": {"active": False}}),
        stranger.delete(hook),
        stranger.post(f"{hook}/rotate_secret"),
        stranger.get(f"{hook}/deliveries"),
        stranger.post(f"{DELIVERIES}/{dead}/replay"),
        mail_api.get(f"{HOOKS}/not-a-uuid"),
        mail_api.post(f"{DELIVERIES}/99999999999/replay"),
    ):
        assert response.status_code == 404, response.text
        assert response.json() == {"errors": "Doesn't exist"}
    assert stranger.get(HOOKS).json() == {"webhooks": []}
    assert stranger.get(DELIVERIES).json()["webhook_deliveries"] == []
    assert delivery_row(mail_database, dead).state == DEAD
    shown = mail_api.get(hook).json()["webhook"]
    assert shown["active"] is True and "secret" not in shown


def test_a_department_key_may_not_see_or_change_webhooks(
    mail_api: httpx.Client, mail_server: LiveServer, mail_database: Database, mail_tenant: Tenant
) -> None:
    made = make_webhook(mail_api)
    department = add_department(mail_database, mail_tenant.organization_id, "Elsewhere")
    key = department_key(mail_database, mail_tenant.organization_id, department)
    headers = {"Authorization": f"Token token={key}"}
    with httpx.Client(base_url=mail_server.base_url, headers=headers, timeout=30) as scoped:
        for response in (
            scoped.get(HOOKS),
            scoped.post(HOOKS, json={"webhook": {"url": RECEIVER}}),
            scoped.get(f"{HOOKS}/{made['id']}"),
            scoped.delete(f"{HOOKS}/{made['id']}"),
            scoped.get(DELIVERIES),
        ):
            assert response.status_code == 403, response.text
            assert "department API key" in response.json()["errors"]
    assert len(mail_api.get(HOOKS).json()["webhooks"]) == 1
    assert httpx.get(f"{mail_server.base_url}{HOOKS}", timeout=30).status_code == 401


def test_deliveries_are_listed_newest_first_with_paging_and_a_state_filter(
    mail_api: httpx.Client, mail_database: Database
) -> None:
    first, second = make_webhook(mail_api), make_webhook(mail_api)
    ids = add_deliveries(mail_database, first["id"], [SENT, DEAD, PENDING])
    [other] = add_deliveries(mail_database, second["id"], [FAILED])

    page = mail_api.get(f"{HOOKS}/{first['id']}/deliveries", params={"page_size": 2})
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["meta"]["total_count"] == 3 and body["meta"]["next_page"] == 2
    assert [item["id"] for item in body["webhook_deliveries"]] == ids[::-1][:2]
    dead = body["webhook_deliveries"][1]
    row = delivery_row(mail_database, ids[1])
    assert dead == {
        "id": ids[1],
        "organization_id": row.organization_id,
        "subscription_id": first["id"],
        "event_id": str(row.event_uuid),
        "event_type": "badge.created",
        "state": DEAD,
        "attempts": 3,
        "response_status": 500,
        "response_body": FAILED_ANSWER[:1024],
        "last_error": "HTTP 500",
        "created_at": utc_iso(row.created_at),
        "next_attempt_at": None,
        "finished_at": utc_iso(row.finished_at) if row.finished_at else None,
    }
    second_page = mail_api.get(
        f"{HOOKS}/{first['id']}/deliveries", params={"page": 2, "page_size": 2}
    ).json()
    assert [item["id"] for item in second_page["webhook_deliveries"]] == [ids[0]]

    everything = mail_api.get(DELIVERIES).json()
    assert [item["id"] for item in everything["webhook_deliveries"]] == [other, *ids[::-1]]
    failed = mail_api.get(DELIVERIES, params={"state": "failed"}).json()
    assert [item["subscription_id"] for item in failed["webhook_deliveries"]] == [second["id"]]
    pending = mail_api.get(DELIVERIES, params={"state": "pending"}).json()["webhook_deliveries"]
    assert pending[0]["next_attempt_at"] is not None
    refused = mail_api.get(DELIVERIES, params={"state": "lost"})
    assert refused.status_code == 422 and "state" in refused.json()["errors"]
    assert mail_api.get(DELIVERIES, params={"page_size": 0}).status_code == 422


def test_a_dead_or_failed_delivery_is_replayed_with_its_event_id_and_others_are_refused(
    mail_api: httpx.Client, mail_database: Database
) -> None:
    made = make_webhook(mail_api)
    dead, failed, sent, pending = add_deliveries(
        mail_database, made["id"], [DEAD, FAILED, SENT, PENDING]
    )
    before = delivery_row(mail_database, dead)

    replayed = mail_api.post(f"{DELIVERIES}/{dead}/replay")
    assert replayed.status_code == 200, replayed.text
    shown = replayed.json()["webhook_delivery"]
    assert (shown["state"], shown["attempts"], shown["last_error"]) == (PENDING, 0, None)
    assert shown["event_id"] == str(before.event_uuid) and shown["next_attempt_at"]
    after = delivery_row(mail_database, dead)
    assert (after.body, after.event_uuid) == (before.body, before.event_uuid)
    assert after.finished_at is None
    assert mail_api.post(f"{DELIVERIES}/{failed}/replay").json()["webhook_delivery"]["state"] == (
        PENDING
    )

    for delivery_id, state in ((sent, SENT), (pending, PENDING), (dead, PENDING)):
        refused = mail_api.post(f"{DELIVERIES}/{delivery_id}/replay")
        assert refused.status_code == 422, refused.text
        assert refused.json() == {
            "errors": f"Only a dead or failed delivery can be replayed; this one is {state}"
        }
    assert delivery_row(mail_database, sent).state == SENT


def test_the_credly_webhook_url_is_listed_and_changed_only_through_the_organization(
    mail_api: httpx.Client, mail_database: Database, mail_settings: Settings, mail_tenant: Tenant
) -> None:
    with mail_database.transaction() as session:
        organization = session.get(Organization, mail_tenant.organization_id)
        assert organization is not None
        organization.webhook_url = "https://credly-receiver.example.org/hook"
        credly = webhook_subscriptions.credly_subscription(
            session, server_secret(mail_settings), organization
        )
        assert credly is not None
        again = webhook_subscriptions.credly_subscription(
            session, server_secret(mail_settings), organization
        )
        assert again is credly
        credly_id = str(credly.uuid)

    [listed] = mail_api.get(HOOKS).json()["webhooks"]
    assert listed["id"] == credly_id and listed["source"] == "credly"
    assert (listed["url"], listed["body"], listed["event_types"]) == (
        "https://credly-receiver.example.org/hook",
        "thin",
        [],
    )
    hook = f"{HOOKS}/{credly_id}"
    moved = mail_api.patch(hook, json={"webhook": {"url": RECEIVER, "body": "full"}})
    assert moved.status_code == 422 and set(moved.json()["errors"]) == {"url", "body"}
    cleared = mail_api.patch(hook, json={"webhook": {"url": ""}})
    assert cleared.status_code == 422 and set(cleared.json()["errors"]) == {"url"}
    narrowed = mail_api.patch(hook, json={"webhook": {"event_types": ["badge.deleted"]}})
    assert narrowed.status_code == 200 and narrowed.json()["webhook"]["event_types"] == [
        "badge.deleted"
    ]
    kept = mail_api.delete(hook)
    assert kept.status_code == 422 and "webhook_url" in kept.json()["errors"]
    assert mail_api.get(hook).status_code == 200


@pytest.fixture
def outbox_command(
    mail_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., str]]:
    """With the server's data directory (its secret encrypts the webhooks' secrets) and
    loopback allowed."""
    with outbox_cli(
        monkeypatch,
        PLAUDIT_DATABASE_URL=mail_settings.database_url,
        PLAUDIT_DATA_DIR=str(mail_settings.data_dir),
        PLAUDIT_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
    ) as command:
        yield command


def test_plaudit_outbox_lists_and_replays_webhook_dead_letters(
    mail_api: httpx.Client,
    mail_database: Database,
    mail_tenant: Tenant,
    outbox_command: Callable[..., str],
) -> None:
    made = make_webhook(mail_api)
    dead, sent = add_deliveries(mail_database, made["id"], [DEAD, SENT])
    org = ("--org", str(mail_tenant.organization_id))

    listed = outbox_command("list", "--webhooks", *org)
    assert f"{dead}\tdead\tbadge.created\t" in listed and f"{sent}\tsent\t" in listed
    assert "2 of 2 shown." in listed
    letters = outbox_command("dead-letters", "--webhooks", *org)
    assert f"{dead}\tdead" in letters and "HTTP 500" in letters and f"{sent}\t" not in letters
    assert f"webhook={made['id']}" in letters
    as_json = outbox_command("list", "--webhooks", "--json", "--state", "sent", *org)
    assert '"state": "sent"' in as_json and "secret" not in as_json

    assert "1 webhook delivery(ies) queued again." in outbox_command(
        "retry", "--webhooks", "--no-send", str(dead), str(sent)
    )
    assert (delivery_row(mail_database, dead).state, delivery_row(mail_database, sent).state) == (
        PENDING,
        SENT,
    )
    assert "0 of 0 shown." in outbox_command("list", *org)


def test_a_replayed_dead_letter_reaches_the_receiver_again_signed_with_its_event_id(
    mail_api: httpx.Client,
    mail_database: Database,
    worker_settings: Settings,
    listener: Listener,
    outbox_command: Callable[..., str],
) -> None:
    path = f"/hooks/{uuid.uuid4().hex}"
    made = make_webhook(mail_api, url=listener.url(path))
    listener.secrets[path] = made["secret"].encode()
    through_api, through_cli = add_deliveries(mail_database, made["id"], [DEAD, DEAD])

    assert mail_api.post(f"{DELIVERIES}/{through_api}/replay").status_code == 200
    deliver(mail_database, worker_settings)
    [post] = listener.at(path)
    row = delivery_row(mail_database, through_api)
    assert (row.state, row.attempts, row.response_status) == (SENT, 1, 200)
    assert post.event_id == str(row.event_uuid) and post.body == row.body.encode()
    assert post.signed is True

    sent = outbox_command("retry", "--webhooks", str(through_cli))
    assert "1 webhook delivery(ies) queued again." in sent and "Due deliveries sent" in sent
    second = listener.at(path)[1]
    assert second.event_id == str(delivery_row(mail_database, through_cli).event_uuid)
    assert second.signed is True and delivery_row(mail_database, through_cli).state == SENT
