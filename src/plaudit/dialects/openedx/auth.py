"""Who calls an Open edX route: an Open edX site's user, by JWT, or a Plaudit API key.

`Authorization: JWT <token>` (edx-platform's service user, as edx-drf-extensions reads it) and
`Bearer <token>`: HS256 under the secret of the connected site whose issuer is the token's `iss`
(which picks the organization); `aud`, `exp` and `iat` checked. The username is
`preferred_username`, else `username`; an `administrator` claim or the site's service username
makes the caller staff. A Plaudit API key (`Token token=KEY`, `Token KEY`, or `Bearer KEY` when
it is no JWT) is staff of its organization. A department key is not: an Open edX site works for
the whole organization (its certificates are achievements of the organization's default
department), so a key scoped to one department may do nothing here (403).

Refusals are edx-drf-extensions' (drf-jwt's) 401s: `Token has expired.` for an expired token,
`Invalid token.` for anything else wrong with one, and DRF's `Authentication credentials were
not provided.` without credentials."""

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from plaudit.dialects.accredible.auth import presented_key
from plaudit.domain.errors import Unauthenticated
from plaudit.domain.scope import Scope
from plaudit.http.deps import Work
from plaudit.services import api_keys, openedx_sites

EXPIRED = "Token has expired."
INVALID_TOKEN = "Invalid token."
NO_CREDENTIALS = "Invalid Authorization header. No credentials provided."
SPACES = "Invalid Authorization header. Credentials string should not contain spaces."
NO_USERNAME = "JWT must include a preferred_username or username claim!"
# An API key that does not work (DRF's TokenAuthentication).
INVALID_KEY = "Invalid token."
# JWT versions edx-drf-extensions accepts (JWT_SUPPORTED_VERSION 1.x).
SUPPORTED_MAJOR_VERSION = 1


@dataclass(frozen=True)
class OpenedxCaller:
    """The authenticated caller: `username` is the token's (None for an API key); `scope` the
    organization, or a department key's department."""

    organization_id: int
    scope: Scope
    username: str | None
    is_staff: bool


@dataclass(frozen=True)
class Presented:
    """The credential of the request: a JWT or an API key."""

    kind: str  # "jwt" | "key"
    value: str


def presented(authorization: str | None) -> Presented | None:
    """The credential of the header; None without one. A `JWT` header that holds no single
    token is refused with drf-jwt's messages."""
    if not authorization:
        return None
    scheme, _, rest = authorization.strip().partition(" ")
    rest = rest.strip()
    if scheme.lower() == "jwt":
        if not rest:
            raise Unauthenticated(NO_CREDENTIALS)
        if len(rest.split()) > 1:
            raise Unauthenticated(SPACES)
        return Presented("jwt", rest)
    if scheme.lower() == "bearer" and rest.count(".") == 2:
        return Presented("jwt", rest)
    key = presented_key(authorization)
    return Presented("key", key) if key else None


def identify(session: Session, server_secret: bytes, authorization: str | None) -> OpenedxCaller:
    """The caller the Authorization header names; Unauthenticated (401) with drf-jwt's message."""
    credential = presented(authorization)
    if credential is None:
        raise Unauthenticated()
    if credential.kind == "key":
        scope = api_keys.authenticate(session, credential.value)
        if scope is None:
            raise Unauthenticated(INVALID_KEY)
        is_staff = scope.department_id is None
        return OpenedxCaller(scope.organization_id, scope, None, is_staff=is_staff)
    return _jwt_caller(session, server_secret, credential.value)


def _jwt_caller(session: Session, server_secret: bytes, token: str) -> OpenedxCaller:
    issuer = _unverified_issuer(token)
    site = openedx_sites.site_key(session, server_secret, issuer) if issuer else None
    if site is None:
        raise Unauthenticated(INVALID_TOKEN)
    claims = verified_claims(token, site.secret, site.audience)
    username = claims.get("preferred_username") or claims.get("username")
    if not isinstance(username, str) or not username:
        raise Unauthenticated(NO_USERNAME)
    staff = claims.get("administrator") is True or (
        site.service_username is not None and username == site.service_username
    )
    scope = Scope(organization_id=site.organization_id)
    return OpenedxCaller(site.organization_id, scope, username, is_staff=staff)


def _unverified_issuer(token: str) -> str | None:
    """`iss`, read before the signature is checked only to find whose secret checks it."""
    parts = token.split(".")
    payload = _json_part(parts[1]) if len(parts) == 3 else None
    issuer = payload.get("iss") if payload is not None else None
    return issuer if isinstance(issuer, str) else None


def verified_claims(token: str, secret: bytes, audience: str) -> dict[str, Any]:
    """The claims of an HS256 token signed with `secret`, for `audience`, with `exp` and `iat`
    (edx-drf-extensions requires both) and a supported `version`. HMAC-SHA256 is checked here
    rather than by a JOSE library: Open edX secrets are often shorter than such libraries
    accept without a warning, and HS256 is the only algorithm taken."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Unauthenticated(INVALID_TOKEN)
    header, claims = _json_part(parts[0]), _json_part(parts[1])
    signature = _unbase64(parts[2])
    if header is None or claims is None or signature is None or header.get("alg") != "HS256":
        raise Unauthenticated(INVALID_TOKEN)
    expected = hmac.new(secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise Unauthenticated(INVALID_TOKEN)
    expires, issued = claims.get("exp"), claims.get("iat")
    if not _number(expires) or not _number(issued):
        raise Unauthenticated(INVALID_TOKEN)
    now = time.time()
    if expires <= now:
        raise Unauthenticated(EXPIRED)
    not_before = claims.get("nbf", issued)
    if issued > now or not _number(not_before) or not_before > now:
        raise Unauthenticated(INVALID_TOKEN)  # PyJWT: "The token is not yet valid"
    audiences = claims.get("aud")
    if isinstance(audiences, str):
        audiences = [audiences]
    if not isinstance(audiences, list) or audience not in audiences:
        raise Unauthenticated(INVALID_TOKEN)
    if not _supported_version(claims.get("version", "1.0.0")):
        raise Unauthenticated(INVALID_TOKEN)
    return claims


def _json_part(part: str) -> dict[str, Any] | None:
    raw = _unbase64(part)
    try:
        value = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _unbase64(part: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _supported_version(version: Any) -> bool:
    major = str(version).split(".", 1)[0]
    return major.isdigit() and int(major) <= SUPPORTED_MAJOR_VERSION


async def request_caller(request: Request) -> OpenedxCaller:
    """The `Caller` dependency: authenticates once per request (kept on `request.state`)."""
    known = getattr(request.state, "openedx_caller", None)
    if known is not None:
        return known
    secret = request.app.state.server_secret
    authorization = request.headers.get("authorization")

    def run(session: Session) -> OpenedxCaller:
        return identify(session, secret, authorization)

    caller = await Work(request.app.state.database, readonly=True)(run)
    request.state.openedx_caller = caller
    return caller


Caller = Annotated[OpenedxCaller, Depends(request_caller)]
