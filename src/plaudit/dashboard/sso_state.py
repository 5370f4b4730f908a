"""What a single sign-on carries from its start to its end, for STATE_MINUTES at most.

OpenID Connect: the state, nonce and PKCE verifier ride in a cookie signed with the server's
secret (itsdangerous), `SameSite=Lax` (the provider's redirect back is a top-level GET) and
limited to the connection's path; the callback uses it once and clears it, so a callback from
another browser, or with another state, is refused.

SAML: the IdP's answer comes back as a cross-site POST, which carries no Lax cookie, so the
ids of the AuthnRequests this server sent are kept server-side (one_time_links, purpose
`saml_request`, the id's keyed hash): a response must answer one of them, before it expires,
and uses it up, so a replayed response is refused."""

from datetime import datetime, timedelta
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from plaudit.dashboard.oidc import Pending
from plaudit.dashboard.tokens import token_hash
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import OneTimeLink, SsoConnection

STATE_MINUTES = 10
COOKIE = "plaudit_sso"
SAML_PURPOSE = "saml_request"
_SALT = "plaudit.dashboard.oidc-pending"


def cookie_path(connection_uuid: str) -> str:
    return f"/dashboard/sso/{connection_uuid}"


def keep_pending(
    response: Response,
    *,
    secret: bytes,
    settings: Settings,
    connection_uuid: str,
    pending: Pending,
    next_path: str,
) -> None:
    value = URLSafeTimedSerializer(secret, salt=_SALT).dumps(
        {
            "c": connection_uuid,
            "s": pending.state,
            "n": pending.nonce,
            "v": pending.code_verifier,
            "next": next_path,
        }
    )
    response.set_cookie(
        COOKIE,
        str(value),
        max_age=STATE_MINUTES * 60,
        path=cookie_path(connection_uuid),
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def pending_of(
    request: Request, *, secret: bytes, connection_uuid: str
) -> tuple[Pending, str] | None:
    """The sign-in this browser started with the connection, and where it goes afterwards."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        found: Any = URLSafeTimedSerializer(secret, salt=_SALT).loads(
            value, max_age=STATE_MINUTES * 60
        )
    except BadSignature:
        return None
    if not isinstance(found, dict) or found.get("c") != connection_uuid:
        return None
    pending = Pending(state=str(found["s"]), nonce=str(found["n"]), code_verifier=str(found["v"]))
    return pending, str(found.get("next", ""))


def forget_pending(response: Response, settings: Settings, connection_uuid: str) -> None:
    response.delete_cookie(
        COOKIE,
        path=cookie_path(connection_uuid),
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def remember_saml_request(
    session: Session, connection: SsoConnection, request_id: str, *, secret: bytes, now: datetime
) -> None:
    session.execute(
        delete(OneTimeLink).where(OneTimeLink.purpose == SAML_PURPOSE, OneTimeLink.expires_at < now)
    )
    session.add(
        OneTimeLink(
            organization_id=connection.organization_id,
            team_member_id=None,
            purpose=SAML_PURPOSE,
            token_hash=_saml_hash(secret, connection, request_id),
            expires_at=now + timedelta(minutes=STATE_MINUTES),
        )
    )


def use_saml_request(
    session: Session, connection: SsoConnection, request_id: str, *, secret: bytes, now: datetime
) -> bool:
    """Whether `request_id` is one this server sent for the connection, unexpired and not yet
    answered; it is answered from now on (the caller commits)."""
    # One statement: of two posts of the same response, only one changes the row.
    answered = session.execute(
        update(OneTimeLink)
        .where(
            OneTimeLink.token_hash == _saml_hash(secret, connection, request_id),
            OneTimeLink.purpose == SAML_PURPOSE,
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > now,
        )
        .values(used_at=now)
    )
    return answered.rowcount == 1  # type: ignore[attr-defined]


def _saml_hash(secret: bytes, connection: SsoConnection, request_id: str) -> str:
    return token_hash(secret, SAML_PURPOSE, f"{connection.uuid}|{request_id}")
