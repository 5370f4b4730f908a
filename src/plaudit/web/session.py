"""The signed-in recipient, kept in a cookie signed with the server's secret.

The cookie holds the organization and the recipient's normalized email, signed and timestamped
(itsdangerous); it stops working after `PLAUDIT_SESSION_TTL_SECONDS` whatever the browser does.

There are two kinds (docs/adr/0006). A session opened at the top level (a link followed in a
tab) is `SameSite=Lax`. One opened by an `embed` SSO link lives in the issuer's iframe, where
browsers neither store nor send Lax cookies (another site is on top), so it is a partitioned
cookie, `SameSite=None; Secure; Partitioned`: the browser keeps it for the site that framed the
link and sends it only below that site. Every form still needs its token (web/csrf.py).
"""

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from plaudit.settings import Settings

COOKIE = "plaudit_recipient"
# `__Host-`: the browser takes it only with Secure, Path=/ and no Domain, from this very host.
EMBEDDED_COOKIE = "__Host-plaudit_embedded"
_SALTS = {COOKIE: "plaudit.recipient-session", EMBEDDED_COOKIE: "plaudit.embedded-session"}


@dataclass(frozen=True)
class RecipientSession:
    organization_id: int
    email: str


def _serializer(secret: bytes, cookie: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALTS[cookie])


def sign_in(
    response: Response,
    secret: bytes,
    settings: Settings,
    who: RecipientSession,
    *,
    embedded: bool = False,
) -> None:
    cookie = EMBEDDED_COOKIE if embedded else COOKIE
    value = str(_serializer(secret, cookie).dumps({"o": who.organization_id, "e": who.email}))
    if embedded:
        response.headers.append("set-cookie", _partitioned(value, settings.session_ttl_seconds))
        return
    response.set_cookie(
        COOKIE,
        value,
        max_age=settings.session_ttl_seconds,
        path="/",
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def _partitioned(value: str, max_age: int) -> str:
    """The embedded session's Set-Cookie, written out: Starlette adds `Partitioned` only on
    Python 3.14. Always Secure (SameSite=None demands it): browsers accept that over https, and
    over plain http only from loopback hosts, which they count as secure."""
    expiry = "; expires=Thu, 01 Jan 1970 00:00:00 GMT" if max_age == 0 else ""
    return (
        f"{EMBEDDED_COOKIE}={value}; Max-Age={max_age}{expiry}; Path=/; HttpOnly; Secure; "
        "SameSite=None; Partitioned"
    )


def sign_out(request: Request, response: Response, settings: Settings) -> None:
    """Tells the browser to forget the session cookies the request came with (their signatures
    would still be valid until they expire: see docs/adr/0002)."""
    if request.cookies.get(COOKIE):
        response.delete_cookie(
            COOKIE,
            path="/",
            httponly=True,
            secure=settings.public_base_url.startswith("https://"),
            samesite="lax",
        )
    if request.cookies.get(EMBEDDED_COOKIE):
        response.headers.append("set-cookie", _partitioned("", 0))


def session_cookie(request: Request) -> tuple[str, str] | None:
    """The name and value of the cookie that signs the request in, if it has one: the top-level
    session first. A browser sends at most one of them except to an embedded wallet framed by
    Plaudit's own site."""
    for name in (COOKIE, EMBEDDED_COOKIE):
        value = request.cookies.get(name)
        if value:
            return name, value
    return None


def signed_in(request: Request, secret: bytes, settings: Settings) -> RecipientSession | None:
    """The recipient of a valid, unexpired cookie; None for none, a forged or an old one."""
    found = session_cookie(request)
    if found is None:
        return None
    name, value = found
    try:
        payload: Any = _serializer(secret, name).loads(value, max_age=settings.session_ttl_seconds)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict):
        return None
    organization_id, email = payload.get("o"), payload.get("e")
    if not isinstance(organization_id, int) or not isinstance(email, str):
        return None
    return RecipientSession(organization_id=organization_id, email=email)
