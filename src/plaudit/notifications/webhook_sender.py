"""POSTing webhook deliveries (issue 14): signed, to checked addresses, with bounded waits.

The receiver is resolved and checked when the delivery is sent, for each new connection
(services/guarded_network.py: no private, loopback or link-local address unless
PLAUDIT_WEBHOOK_ALLOW_HOSTS names the host, which also allows plain HTTP). No redirect is
followed, at most RESPONSE_LIMIT bytes of an answer are read, and an attempt ends after the
timeout whatever the receiver does.

A 2xx answer is success. A subscription that is gone or inactive, a Credly organization
without a `webhook_url` any more, or a URL this server may not post to, is refused for good
(recorded failed); any other outcome (a status, a timeout, a refused address, a lost
connection) is a failure, retried by the delivery machinery (deliveries.py). The attempt's
answer is recorded on the row: status and the first RECORDED_BODY characters."""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType

import httpcore
from sqlalchemy import select

from plaudit.notifications.deliveries import Failed, Refused
from plaudit.notifications.webhook_signature import signature
from plaudit.services.guarded_network import CheckedBackend, allowed_hosts, host_allowed
from plaudit.services.webhook_subscriptions import (
    SecretUnavailable,
    signing_secret,
    url_problem,
)
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Organization
from plaudit.store.webhook_tables import CREDLY, WebhookDelivery, WebhookSubscription

RESPONSE_LIMIT = 64 * 1024
RECORDED_BODY = 2048
USER_AGENT = b"Plaudit-Webhooks/1"
NO_ANSWER: Mapping[str, object] = {"response_status": None, "response_body": None}


@dataclass(frozen=True)
class Target:
    """Where a delivery goes and how it is signed, read when its batch is claimed."""

    url: str | None
    active: bool
    secret: bytes | None = field(repr=False)


class WebhookSender:
    """Sends the deliveries of one claimed batch, over one connection pool."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        server_secret: bytes,
        rows: Sequence[WebhookDelivery],
    ) -> None:
        self.allowed = allowed_hosts(settings.webhook_allow_hosts)
        self.timeout = settings.webhook_timeout_seconds
        self.targets = _targets(database, server_secret, rows)
        self._pool = httpcore.ConnectionPool(
            network_backend=CheckedBackend(partial(host_allowed, self.allowed)), retries=0
        )

    def __enter__(self) -> "WebhookSender":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.close()

    def __call__(self, delivery: WebhookDelivery) -> Mapping[str, object]:
        target = self.targets.get(delivery.subscription_id)
        if target is None:
            raise Refused("the subscription was deleted", NO_ANSWER)
        if not target.active:
            raise Refused("the subscription is inactive", NO_ANSWER)
        if target.url is None:
            raise Refused("the organization has no webhook_url any more", NO_ANSWER)
        if problem := url_problem(target.url, self.allowed):
            raise Refused(f"the URL {problem}", NO_ANSWER)
        if target.secret is None:
            raise Failed("the signing secret was encrypted under another server secret", NO_ANSWER)
        status, answer = self._post(target.url, target.secret, delivery)
        record = {"response_status": status, "response_body": answer}
        if 200 <= status < 300:
            return record
        if 300 <= status < 400:
            raise Failed(f"HTTP {status}: redirects are not followed", record)
        raise Failed(f"HTTP {status}", record)

    def _post(self, url: str, secret: bytes, delivery: WebhookDelivery) -> tuple[int, str]:
        body = delivery.body.encode()
        timestamp = int(time.time())
        headers = [
            (b"Content-Type", b"application/json"),
            (b"User-Agent", USER_AGENT),
            (b"Plaudit-Event-Id", str(delivery.event_uuid).encode()),
            (b"Plaudit-Event-Type", delivery.event_type.encode()),
            (b"Plaudit-Timestamp", str(timestamp).encode()),
            (b"Plaudit-Signature", signature(secret, timestamp, body).encode()),
        ]
        deadline = time.monotonic() + self.timeout
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self.timeout)
        try:
            with self._pool.stream(
                "POST", url, headers=headers, content=body, extensions={"timeout": timeouts}
            ) as response:
                answer = bytearray()
                for chunk in response.iter_stream():
                    answer += chunk
                    if len(answer) >= RESPONSE_LIMIT or time.monotonic() > deadline:
                        break  # the rest is never read: the connection is closed
                return response.status, _recorded(answer)
        except httpcore.TimeoutException:
            raise Failed(f"no answer within {self.timeout:g} seconds", NO_ANSWER) from None
        except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as error:
            # AddressRefused (a private address) is a ConnectError: its text says so.
            reason = str(error) or type(error).__name__
            raise Failed(f"not delivered: {reason}", NO_ANSWER) from None


def _targets(
    database: Database, server_secret: bytes, rows: Sequence[WebhookDelivery]
) -> dict[int, Target]:
    """Each subscription's current URL (a Credly one's: its organization's webhook_url), state
    and secret, by subscription id; a deleted one is absent."""
    wanted = {row.subscription_id for row in rows}
    targets = {}
    with database.session(readonly=True) as session:
        found = session.execute(
            select(WebhookSubscription, Organization.webhook_url)
            .join(Organization, Organization.id == WebhookSubscription.organization_id)
            .where(WebhookSubscription.id.in_(wanted))
        ).all()
        for subscription, webhook_url in found:
            try:
                secret: bytes | None = signing_secret(subscription, server_secret)
            except SecretUnavailable:
                secret = None
            url = webhook_url if subscription.source == CREDLY else subscription.url
            targets[subscription.id] = Target(url, subscription.active, secret)
    return targets


def _recorded(answer: bytes) -> str:
    return answer[:RECORDED_BODY].decode("utf-8", "replace")
