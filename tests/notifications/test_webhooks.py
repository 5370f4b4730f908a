"""Webhook delivery (issue 14): events reach a real HTTP listener on loopback, signed, retried
until a 2xx and then dead-lettered; Credly's thin body and its event fetch; the Accredible
dialect's changes; event type filters and full bodies; the safety limits (HTTPS, addresses,
redirects, answer size, timeout); and one organization's events only for its subscriptions."""

import json
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from plaudit.dialects.credly.events import event_out
from plaudit.notifications import dispatch, outbox
from plaudit.notifications.webhook_sender import RECORDED_BODY
from plaudit.notifications.webhook_signature import verify
from plaudit.server_secret import server_secret
from plaudit.services import webhook_subscriptions
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.event_tables import Event
from plaudit.store.notification_tables import DEAD, FAILED, PENDING, SENT
from plaudit.store.tables import Credential, Organization
from plaudit.store.webhook_tables import CREDLY, FULL, WebhookDelivery, WebhookSubscription
from tests.accredible.helpers import create_group, issue
from tests.credly.helpers import organization_uuid
from tests.credly.lifecycle_helpers import Org
from tests.notifications.conftest import deliver
from tests.support.jobs import wait_for
from tests.support.tenants import Tenant, make_tenant
from tests.support.webhook_listener import Answer, Listener, webhook_listener
from tests.support.webhook_rows import nothing_due

MB = 1024 * 1024


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with webhook_listener() as running:
        yield running


@pytest.fixture(scope="module")
def secret(worker_settings: Settings) -> bytes:
    return server_secret(worker_settings)


@pytest.fixture
def settings(worker_settings: Settings) -> Settings:
    """A failed attempt waits an hour (the test sees one attempt); `retrying` waits not."""
    return worker_settings.model_copy(update={"webhook_retry_seconds": 3600.0})


@pytest.fixture(autouse=True)
def nothing_left_due(mail_database: Database) -> Iterator[None]:
    """A delivery a test left waiting must not be tried by the next test's worker."""
    yield
    nothing_due(mail_database)


def retrying(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_retry_seconds": 0.001})


def subscribe(
    database: Database,
    secret: bytes,
    listener: Listener,
    organization_id: int,
    *,
    url: str | None = None,
    **fields: Any,
) -> tuple[str, WebhookSubscription]:
    """A Plaudit subscription to a fresh path of the listener, which learns its secret."""
    path = f"/hooks/{uuid.uuid4().hex}"
    with database.transaction() as session:
        made = webhook_subscriptions.create(
            session,
            secret,
            organization_id=organization_id,
            url=url or listener.url(path),
            allowed_hosts=frozenset({"127.0.0.1"}),
            **fields,
        )
    listener.secrets[path] = made.secret.encode()
    return path, made.subscription


def deliveries(database: Database, subscription_id: int) -> list[WebhookDelivery]:
    with database.session(readonly=True) as session:
        return list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.subscription_id == subscription_id)
                .order_by(WebhookDelivery.id)
            )
        )


def event_of(database: Database, subject: str, event_type: str) -> Event:
    with database.session(readonly=True) as session:
        found = session.scalar(
            select(Event).where(
                Event.subject_uuid == uuid.UUID(subject), Event.event_type == event_type
            )
        )
        assert found is not None
        return found


def test_a_receiver_failing_three_times_gets_the_same_signed_post_until_its_200(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path, subscription = subscribe(
        mail_database,
        secret,
        listener,
        org.tenant.organization_id,
        event_types=["badge.created"],
    )
    listener.answer(path, Answer(500), Answer(500), Answer(503), Answer(200))
    badge = org.issue()
    # The waits double from 1 ms: a worker may find the next retry not yet due, and rest.
    wait_for(
        lambda: (
            deliver(mail_database, retrying(settings))
            or [row.state for row in deliveries(mail_database, subscription.id)] == [SENT]
        ),
        what="the delivery to succeed",
    )

    posts = listener.at(path)
    event = event_of(mail_database, badge["id"], "badge.created")
    assert len(posts) == 4
    assert {post.event_id for post in posts} == {str(event.uuid)}
    assert len({post.body for post in posts}) == 1
    assert all(post.signed for post in posts)
    assert {post.headers["plaudit-event-type"] for post in posts} == {"badge.created"}
    assert posts[0].headers["content-type"] == "application/json"
    assert posts[0].headers["user-agent"].startswith("Plaudit-Webhooks/")
    [row] = deliveries(mail_database, subscription.id)
    assert (row.state, row.attempts, row.response_status, row.last_error) == (SENT, 4, 200, None)
    assert row.body.encode() == posts[-1].body


def test_credly_webhook_url_gets_the_thin_body_and_the_receiver_fetches_the_event(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path = f"/credly/{uuid.uuid4().hex}"
    response = org.send("PUT", "", json={"webhook_url": listener.url(path)})
    assert response.status_code == 200, response.text
    badge = org.issue()
    deliver(mail_database, settings)

    [post] = [
        post for post in listener.at(path) if json.loads(post.body)["event_type"] == "badge.created"
    ]
    body = json.loads(post.body)
    assert list(body) == ["id", "organization_id", "event_type", "occurred_at"]
    assert body["organization_id"] == organization_uuid(mail_database, org.tenant)
    assert post.event_id == body["id"]
    # As Open edX's Credly webhook handler does: fetch the event with the Credly token.
    fetched = org.send("GET", f"/events/{body['id']}")
    assert fetched.status_code == 200, fetched.text
    data = fetched.json()["data"]
    assert data["badge"]["id"] == badge["id"]
    assert data["occurred_at"] == body["occurred_at"]
    with mail_database.session(readonly=True) as session:
        credly = session.scalar(
            select(WebhookSubscription).where(
                WebhookSubscription.organization_id == org.tenant.organization_id,
                WebhookSubscription.source == CREDLY,
            )
        )
        assert credly is not None
        key = webhook_subscriptions.signing_secret(credly, secret)
    stamp = post.headers["plaudit-timestamp"]
    assert verify(key, post.headers["plaudit-signature"], stamp, post.body, now=time.time())


def test_the_accredible_dialect_s_create_and_delete_are_delivered_as_badge_events(
    mail_api: httpx.Client,
    mail_tenant: Tenant,
    listener: Listener,
    mail_database: Database,
    settings: Settings,
    secret: bytes,
) -> None:
    path, _ = subscribe(mail_database, secret, listener, mail_tenant.organization_id)
    group = create_group(mail_api)
    credential = issue(mail_api, group["id"])
    with mail_database.session(readonly=True) as session:
        row = session.get(Credential, credential["id"])
        assert row is not None
        credential_uuid = str(row.uuid)
    assert mail_api.delete(f"/v1/credentials/{credential['id']}").status_code == 200
    deliver(mail_database, settings)

    badge_posts = [
        json.loads(post.body)
        for post in listener.at(path)
        if post.headers["plaudit-event-type"].startswith("badge.")
    ]
    assert [post["event_type"] for post in badge_posts] == ["badge.created", "badge.deleted"]
    for post in badge_posts:
        assert event_of(mail_database, credential_uuid, post["event_type"]).uuid == uuid.UUID(
            post["id"]
        )


def test_a_subscription_gets_only_its_event_types_and_a_full_one_the_object(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    organization_id = org.tenant.organization_id
    revokes, _ = subscribe(
        mail_database, secret, listener, organization_id, event_types=["badge.state.changed"]
    )
    everything, _ = subscribe(mail_database, secret, listener, organization_id, body=FULL)
    badge = org.issue()
    revoked = org.send("PUT", f"/badges/{badge['id']}/revoke", json={"reason": "Mistake"})
    assert revoked.status_code == 200, revoked.text
    deliver(mail_database, settings)

    [revoke] = listener.at(revokes)
    assert revoke.headers["plaudit-event-type"] == "badge.state.changed"
    assert set(json.loads(revoke.body)) == {"id", "organization_id", "event_type", "occurred_at"}
    full = {
        json.loads(post.body)["event_type"]: json.loads(post.body)
        for post in listener.at(everything)
    }
    assert set(full) >= {"badge_template.created", "badge.created", "badge.state.changed"}
    created = full["badge.created"]
    assert created["badge"]["id"] == badge["id"]
    assert created == org.send("GET", f"/events/{created['id']}").json()["data"] | {
        "badge": created["badge"]
    }
    assert created["badge"]["issued_to_first_name"] == "Ada"


def test_a_name_that_resolves_to_loopback_at_delivery_is_not_connected_and_retried(
    org: Org,
    listener: Listener,
    mail_database: Database,
    settings: Settings,
    secret: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An https URL whose name resolves, when it is sent (DNS rebinding), to loopback."""
    real = socket.getaddrinfo

    def rebound(host: str, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == "hooks.rebind.test" else host, *args, **kwargs)

    path = f"/hooks/{uuid.uuid4().hex}"
    _, subscription = subscribe(
        mail_database,
        secret,
        listener,
        org.tenant.organization_id,
        url=f"https://hooks.rebind.test:{listener.port}{path}",
    )
    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    org.issue()
    deliver(mail_database, settings.model_copy(update={"webhook_allow_hosts": ""}))

    [row, *_] = deliveries(mail_database, subscription.id)
    assert (row.state, row.attempts, row.response_status) == (PENDING, 1, None)
    assert "127.0.0.1, a private, loopback or link-local address" in (row.last_error or "")
    assert listener.at(path) == []


def test_plain_http_to_a_host_not_allowed_is_refused(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path, subscription = subscribe(mail_database, secret, listener, org.tenant.organization_id)
    org.issue()
    deliver(mail_database, settings.model_copy(update={"webhook_allow_hosts": ""}))

    rows = deliveries(mail_database, subscription.id)
    assert rows and {row.state for row in rows} == {FAILED}
    assert "https" in (rows[0].last_error or "")
    assert listener.at(path) == []


def test_a_redirect_is_not_followed_and_is_a_failure(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    elsewhere = f"/hooks/{uuid.uuid4().hex}"
    path, subscription = subscribe(
        mail_database, secret, listener, org.tenant.organization_id, event_types=["badge.created"]
    )
    listener.answer(path, Answer(302, location=listener.url(elsewhere)))
    org.issue()
    deliver(mail_database, settings)

    [row] = deliveries(mail_database, subscription.id)
    assert (row.state, row.response_status) == (PENDING, 302)
    assert "redirect" in (row.last_error or "")
    assert len(listener.at(path)) == 1 and listener.at(elsewhere) == []


def test_a_huge_answer_is_read_only_to_the_limit(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path, subscription = subscribe(
        mail_database, secret, listener, org.tenant.organization_id, event_types=["badge.created"]
    )
    listener.answer(path, Answer(200, body_bytes=100 * MB))
    org.issue()
    deliver(mail_database, settings)

    [row] = deliveries(mail_database, subscription.id)
    assert (row.state, row.response_status) == (SENT, 200)
    assert row.response_body == "o" * RECORDED_BODY
    # The listener could hand the kernel what its buffers hold, not the 100 MB.
    assert listener.bytes_sent[path] < 32 * MB


def test_a_receiver_slower_than_the_timeout_is_a_recorded_timeout(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path, subscription = subscribe(
        mail_database, secret, listener, org.tenant.organization_id, event_types=["badge.created"]
    )
    listener.answer(path, Answer(200, delay=1.0))
    org.issue()
    deliver(mail_database, settings.model_copy(update={"webhook_timeout_seconds": 0.3}))

    [row] = deliveries(mail_database, subscription.id)
    assert (row.state, row.attempts, row.response_status) == (PENDING, 1, None)
    assert "0.3 seconds" in (row.last_error or "")


def test_a_failure_after_the_deadline_is_a_dead_letter(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path, subscription = subscribe(
        mail_database, secret, listener, org.tenant.organization_id, event_types=["badge.created"]
    )
    listener.answer(path, Answer(500, body_bytes=len(b"down")))
    org.issue()
    time.sleep(0.01)
    deliver(mail_database, settings.model_copy(update={"webhook_give_up_hours": 1e-6}))

    [row] = deliveries(mail_database, subscription.id)
    assert (row.state, row.attempts, row.response_status) == (DEAD, 1, 500)
    assert row.response_body == "oooo" and row.last_error == "Failed: HTTP 500"


def test_a_replayed_dead_letter_gets_its_retry_window_again(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    """Its deadline counts from the replay, not from when it was first queued."""
    path, subscription = subscribe(
        mail_database, secret, listener, org.tenant.organization_id, event_types=["badge.created"]
    )
    listener.answer(path, Answer(500))
    org.issue()
    dispatch.dispatch(mail_database, settings, secret, datetime.now(UTC), event_out)
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    [queued] = deliveries(mail_database, subscription.id)
    with mail_database.transaction() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == queued.id)
            .values(state=DEAD, created_at=long_ago)
        )
        replayed = outbox.retry(session, datetime.now(UTC), [queued.id], model=WebhookDelivery)
        assert replayed == 1
    deliver(mail_database, settings.model_copy(update={"webhook_give_up_hours": 1.0}))

    [row] = deliveries(mail_database, subscription.id)
    assert (row.state, row.attempts, row.response_status) == (PENDING, 1, 500)


def test_a_subscription_deactivated_meanwhile_sends_nothing(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    path, subscription = subscribe(mail_database, secret, listener, org.tenant.organization_id)
    org.issue()
    dispatch.dispatch(mail_database, settings, secret, datetime.now(UTC), event_out)
    with mail_database.transaction() as session:
        session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == subscription.id)
            .values(active=False)
        )
    deliver(mail_database, settings)

    rows = deliveries(mail_database, subscription.id)
    assert rows and {row.state for row in rows} == {FAILED}
    assert rows[0].last_error == "Refused: the subscription is inactive"
    assert listener.at(path) == []


def test_one_organization_s_events_never_reach_another_s_subscriptions(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    other = make_tenant(mail_database, "Other Academy")
    theirs, their_subscription = subscribe(mail_database, secret, listener, other.organization_id)
    with mail_database.transaction() as session:
        organization = session.get(Organization, other.organization_id)
        assert organization is not None
        organization.webhook_url = listener.url(theirs + "/credly")
    ours, _ = subscribe(mail_database, secret, listener, org.tenant.organization_id)
    badge = org.issue()
    deliver(mail_database, settings)

    assert any(json.loads(post.body)["event_type"] == "badge.created" for post in listener.at(ours))
    assert event_of(mail_database, badge["id"], "badge.created")
    assert listener.at(theirs) == [] and listener.at(theirs + "/credly") == []
    assert deliveries(mail_database, their_subscription.id) == []


def test_a_batch_reserved_again_after_its_lease_queues_each_delivery_once(
    org: Org, listener: Listener, mail_database: Database, settings: Settings, secret: bytes
) -> None:
    _, subscription = subscribe(mail_database, secret, listener, org.tenant.organization_id)
    org.issue()
    now = datetime.now(UTC)
    later = now + timedelta(seconds=settings.job_lease_seconds + 1)
    first = dispatch.compose_batch(mail_database, settings, secret, now, event_out)
    second = dispatch.compose_batch(mail_database, settings, secret, later, event_out)
    assert first.webhooks and first.webhooks == second.webhooks

    assert dispatch.claim_and_queue(mail_database, second, later) == len(second.event_ids)
    assert dispatch.claim_and_queue(mail_database, first, now) == 0
    rows = deliveries(mail_database, subscription.id)
    assert (
        len(rows)
        == len({row.event_id for row in rows})
        == len([item for item in first.webhooks if item.subscription_id == subscription.id])
    )
