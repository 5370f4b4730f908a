"""Organizations' webhook subscriptions (issue 14, item 2): made, changed, listed, removed, and
the signing secret of each, kept encrypted under the server's secret (AES-256-GCM, bound to the
subscription) and shown once, when it is made.

Credly's registration is the organization's `webhook_url`: its subscription (source `credly`,
thin body, every event type) is made the first time an event is dispatched to it
(`credly_subscription`), so organizations that set the URL before webhooks existed are served
too, and its URL is always the organization's current one."""

import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaudit.domain import limits
from plaudit.domain.errors import Conflict, Forbidden, Invalid, NotFound, found_uuid
from plaudit.domain.limits import contains_nul
from plaudit.domain.scope import Scope
from plaudit.openbadges.keys import (
    KeyUnavailable,
    decrypt_private_key,
    encrypt_private_key,
    encryption_key_id,
)
from plaudit.services import events
from plaudit.services.guarded_network import host_allowed, is_public
from plaudit.store.tables import Organization
from plaudit.store.webhook_tables import CREDLY, FULL, PLAUDIT, THIN, WebhookSubscription

EVENT_TYPES = (
    events.BADGE_CREATED,
    events.BADGE_STATE_CHANGED,
    events.BADGE_DELETED,
    events.BADGE_PUBLISHED,
    events.TEMPLATE_CREATED,
    events.TEMPLATE_CHANGED,
    events.TEMPLATE_DELETED,
)
BODIES = (THIN, FULL)
SECRET_PREFIX = "whsec_"
DESCRIPTION_LENGTH = 255
CREDLY_DELETE = (
    "This webhook follows the organization's webhook_url (Credly's API): clear that to remove it"
)
CREDLY_OWNS = "is Credly's for this subscription (it follows the organization's webhook_url)"
SCOPED_KEY = "A department API key cannot see or change the organization's webhooks"


class SecretUnavailable(Exception):
    """The secret was encrypted under another server secret: the subscription cannot sign."""


@dataclass(frozen=True)
class Made:
    """A new subscription and its secret, which is shown this once."""

    subscription: WebhookSubscription
    secret: str = field(repr=False)


def organization_of(scope: Scope) -> int:
    """The organization whose webhooks the key manages. Webhooks carry every department's
    events, so a department key gets none of them (403), as it may not change the organization."""
    if scope.department_id is not None:
        raise Forbidden("department.scoped_key", SCOPED_KEY)
    return scope.organization_id


def url_problem(url: str, allowed_hosts: frozenset[str]) -> str | None:
    """Why `url` cannot receive webhooks: HTTPS only, and not to a private, loopback or
    link-local address written in the URL, except for hosts a setting allows. (A name that
    resolves to such an address is refused when it is delivered to: the address may change.)"""
    if len(url) > limits.URL:
        return f"is too long (maximum is {limits.URL} characters)"
    if any(character.isspace() or not character.isprintable() for character in url):
        return "is not a valid URL"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return "must be an https URL"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    if host_allowed(allowed_hosts, parts.hostname, port or (443 if scheme == "https" else 80)):
        return None
    if scheme == "http":
        return "must be an https URL (plain http only for hosts PLAUDIT_WEBHOOK_ALLOW_HOSTS names)"
    if _private(parts.hostname):
        return (
            "must not be a private, loopback or link-local address "
            "(only for hosts PLAUDIT_WEBHOOK_ALLOW_HOSTS names)"
        )
    return None


def _private(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return not is_public(host)


def create(
    session: Session,
    server_secret: bytes,
    *,
    organization_id: int,
    url: str,
    allowed_hosts: frozenset[str],
    event_types: Sequence[str] = (),
    body: str = THIN,
    description: str | None = None,
) -> Made:
    _check(
        url=url,
        allowed_hosts=allowed_hosts,
        event_types=event_types,
        body=body,
        description=description,
    )
    subscription = WebhookSubscription(
        organization_id=organization_id,
        source=PLAUDIT,
        url=url.strip(),
        event_types=list(dict.fromkeys(event_types)),
        body=body,
        description=(description or "").strip() or None,
        active=True,
    )
    secret = _new_secret(subscription, server_secret)
    session.add(subscription)
    session.flush()
    return Made(subscription, secret)


def update(
    session: Session,
    subscription: WebhookSubscription,
    *,
    allowed_hosts: frozenset[str],
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    body: str | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookSubscription:
    """Changes what is given. A Credly subscription's URL and body are Credly's: refused."""
    if subscription.source == CREDLY and (url is not None or body is not None):
        given = {"url": url, "body": body}
        raise Invalid(
            fields={name: [CREDLY_OWNS] for name, value in given.items() if value is not None}
        )
    _check(
        url=url,
        allowed_hosts=allowed_hosts,
        event_types=event_types,
        body=body,
        description=description,
    )
    if url is not None:
        subscription.url = url.strip()
    if event_types is not None:
        subscription.event_types = list(dict.fromkeys(event_types))
    if body is not None:
        subscription.body = body
    if description is not None:
        subscription.description = description.strip() or None
    if active is not None:
        subscription.active = active
    session.flush()
    return subscription


def get(session: Session, organization_id: int, subscription_uuid: str) -> WebhookSubscription:
    """The organization's subscription by its public id; another tenant's is not found."""
    subscription = session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.organization_id == organization_id,
            WebhookSubscription.uuid == found_uuid(subscription_uuid, "webhook"),
        )
    )
    if subscription is None:
        raise NotFound("webhook")
    return subscription


def list_all(session: Session, organization_id: int) -> list[WebhookSubscription]:
    return list(
        session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.organization_id == organization_id)
            .order_by(WebhookSubscription.id)
        )
    )


def delete(session: Session, subscription: WebhookSubscription) -> None:
    """Its deliveries go with it (ON DELETE CASCADE). Credly's is removed by clearing the
    organization's webhook_url (it would be made again at the next event otherwise)."""
    if subscription.source == CREDLY:
        raise Conflict("webhook.credly", CREDLY_DELETE)
    session.delete(subscription)
    session.flush()


def credly_subscription(
    session: Session, server_secret: bytes, organization: Organization
) -> WebhookSubscription | None:
    """The subscription that follows the organization's `webhook_url`, made on first need;
    None while the organization has no webhook_url."""
    if not organization.webhook_url:
        return None
    found = _credly_of(session, organization.id)
    if found is not None:
        return found
    # Two dispatchers meeting the organization's first event make one subscription: the
    # second waits on the organization's row (PostgreSQL; SQLite writes one at a time), then
    # finds the first one's.
    session.execute(
        select(Organization.id).where(Organization.id == organization.id).with_for_update()
    )
    found = _credly_of(session, organization.id)
    if found is not None:
        return found
    subscription = WebhookSubscription(
        organization_id=organization.id,
        source=CREDLY,
        url=None,
        event_types=[],
        body=THIN,
        active=True,
    )
    _new_secret(subscription, server_secret)
    session.add(subscription)
    session.flush()
    return subscription


def _credly_of(session: Session, organization_id: int) -> WebhookSubscription | None:
    return session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.organization_id == organization_id,
            WebhookSubscription.source == CREDLY,
        )
    )


def rotate_secret(session: Session, subscription: WebhookSubscription, server_secret: bytes) -> str:
    """A new secret, shown this once; deliveries signed from now on use it."""
    secret = _new_secret(subscription, server_secret)
    session.flush()
    return secret


def signing_secret(subscription: WebhookSubscription, server_secret: bytes) -> bytes:
    if subscription.encryption_key_id != encryption_key_id(server_secret):
        raise SecretUnavailable()
    try:
        return decrypt_private_key(
            subscription.secret_ciphertext, server_secret, _associated_data(subscription)
        )
    except KeyUnavailable:
        raise SecretUnavailable() from None


def _new_secret(subscription: WebhookSubscription, server_secret: bytes) -> str:
    if subscription.uuid is None:
        subscription.uuid = uuid4()
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    ciphertext, key_id = encrypt_private_key(
        secret.encode(), server_secret, _associated_data(subscription)
    )
    subscription.secret_ciphertext = ciphertext
    subscription.encryption_key_id = key_id
    return secret


def _associated_data(subscription: WebhookSubscription) -> bytes:
    return f"plaudit-webhook-secret:{subscription.uuid}".encode()


def _check(
    *,
    url: str | None,
    allowed_hosts: frozenset[str],
    event_types: Sequence[str] | None,
    body: str | None,
    description: str | None,
) -> None:
    problems: dict[str, list[str]] = {}
    if url is not None and (reason := url_problem(url.strip(), allowed_hosts)):
        problems["url"] = [reason]
    unknown = sorted(set(event_types or ()) - set(EVENT_TYPES))
    if unknown:
        problems["event_types"] = [f"{unknown[0]!r} is not one of {', '.join(EVENT_TYPES)}"]
    if body is not None and body not in BODIES:
        problems["body"] = [f"must be one of {', '.join(BODIES)}"]
    if description is not None and contains_nul(description):
        problems["description"] = ["contains a NUL character"]
    elif description is not None and len(description.strip()) > DESCRIPTION_LENGTH:
        problems["description"] = [f"is too long (maximum is {DESCRIPTION_LENGTH} characters)"]
    if problems:
        raise Invalid(fields=problems)
