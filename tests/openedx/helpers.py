"""Open edX clients: an Open edX site connected to a tenant, the HS256 JWTs its LMS makes
(edx-platform's service user, learners, administrators), and API-key headers."""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from plaudit.server_secret import server_secret
from plaudit.services import openedx_sites
from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.support.tenants import Tenant

SERVICE_USERNAME = "lms_catalog_service_user"
AUDIENCE = "lms-key"


@dataclass(frozen=True)
class Site:
    organization_id: int
    issuer: str
    audience: str
    secret: str
    service_username: str


def connect_site(
    database: Database,
    settings: Settings,
    tenant: Tenant,
    *,
    issuer: str | None = None,
    audience: str = AUDIENCE,
    service_username: str = SERVICE_USERNAME,
) -> Site:
    """Connects a new site (a unique issuer) to the tenant, as `plaudit openedx connect` does."""
    site = Site(
        organization_id=tenant.organization_id,
        issuer=issuer or f"https://lms-{secrets.token_hex(4)}.example.org/oauth2",
        audience=audience,
        secret=secrets.token_urlsafe(32),
        service_username=service_username,
    )
    with database.transaction() as session:
        openedx_sites.connect(
            session,
            server_secret(settings),
            organization_id=site.organization_id,
            jwt_secret=site.secret,
            jwt_issuer=site.issuer,
            jwt_audience=site.audience,
            service_username=site.service_username,
        )
    return site


def make_jwt(
    site: Site,
    user: str | None = None,
    *,
    administrator: bool = False,
    secret: str | None = None,
    lifetime: int = 300,
    **claims: Any,
) -> str:
    """A token as edx-platform's `create_jwt_for_user` makes it (HS256, `iss`/`aud`/`exp`/`iat`,
    `preferred_username` = `user`, else the service user); `claims` override or add claims
    (None removes one)."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": site.issuer,
        "aud": site.audience,
        "exp": now + lifetime,
        "iat": now,
        "preferred_username": user or site.service_username,
        "administrator": administrator,
        "version": "1.2.0",
        "scopes": ["email", "profile"],
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return sign(payload, secret or site.secret)


def sign(payload: dict[str, Any], secret: str, header: dict[str, Any] | None = None) -> str:
    """A compact JWS, HMAC-SHA256 as edx-platform's jwkest makes it (any secret length)."""
    signing_input = ".".join(
        _base64(json.dumps(part).encode()) for part in (header or {"alg": "HS256"}, payload)
    )
    digest = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_base64(digest)}"


def _base64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt_headers(token: str, scheme: str = "JWT") -> dict[str, str]:
    return {"Authorization": f"{scheme} {token}"}


def service_headers(site: Site) -> dict[str, str]:
    """What edx-platform sends: a JWT of the configured service user."""
    return jwt_headers(make_jwt(site))


def learner_headers(site: Site, username: str) -> dict[str, str]:
    return jwt_headers(make_jwt(site, username))


def api_key_headers(tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Token token={tenant.api_key}"}
