"""The signed-in recipient, kept in a cookie signed with the server's secret.

The cookie holds the organization and the recipient's normalized email, signed and timestamped
(itsdangerous); it stops working after `PLAUDIT_SESSION_TTL_SECONDS` whatever the browser does.
"""

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from plaudit.settings import Settings

COOKIE = "plaudit_recipient"
SALT = "plaudit.recipient-session"


@dataclass(frozen=True)
class RecipientSession:
    organization_id: int
    email: str


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign_in(response: Response, secret: bytes, settings: Settings, who: RecipientSession) -> None:
    value = _serializer(secret).dumps({"o": who.organization_id, "e": who.email})
    response.set_cookie(
        COOKIE,
        str(value),
        max_age=settings.session_ttl_seconds,
        path="/",
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def sign_out(response: Response, settings: Settings) -> None:
    """Tells the browser to forget the cookie (its signature would still be valid until it
    expires: see docs/adr/0006)."""
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def signed_in(request: Request, secret: bytes, settings: Settings) -> RecipientSession | None:
    """The recipient of a valid, unexpired cookie; None for none, a forged or an old one."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        payload: Any = _serializer(secret).loads(value, max_age=settings.session_ttl_seconds)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict):
        return None
    organization_id, email = payload.get("o"), payload.get("e")
    if not isinstance(organization_id, int) or not isinstance(email, str):
        return None
    return RecipientSession(organization_id=organization_id, email=email)
