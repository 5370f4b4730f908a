"""What a single sign-on carries from its start to its end, for STATE_MINUTES at most.

OpenID Connect: the state, nonce and PKCE verifier ride in a cookie signed with the server's
secret (itsdangerous), `SameSite=Lax` (the provider's redirect back is a top-level GET) and
limited to the connection's path; the callback uses it once and clears it, so a callback from
another browser, or with another state, is refused.

SAML: the IdP's answer comes back as a cross-site POST, which carries no Lax cookie, so the
ids of the AuthnRequests this server sent are kept server-side (one_time_links, purpose
`saml_request`, the id's keyed hash): a response must answer one of them, before it expires,
and uses it up, so a replayed response is refused. The checked answer is kept on that row, and
the POST redirects to a GET of this server (`/saml/finish`), a top-level navigation that does
carry the Lax cookie the start set with the request's id: only the browser that started the
sign-in takes the answer up, so nobody can sign a victim's browser in as themselves by having
it post their own response (login CSRF)."""

from datetime import datetime, timedelta
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from plaudit.dashboard.oidc import Pending
from plaudit.dashboard.tokens import token_hash
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import OneTimeLink, SsoConnection

STATE_MINUTES = 10
COOKIE = "plaudit_sso"
SAML_PURPOSE = "saml_request"
_SALT = "plaudit.dashboard.oidc-pending"
_SAML_SALT = "plaudit.dashboard.saml-request"


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
    state = {
        "c": connection_uuid,
        "s": pending.state,
        "n": pending.nonce,
        "v": pending.code_verifier,
        "next": next_path,
    }
    _set(response, secret, _SALT, settings, connection_uuid, state)


def pending_of(
    request: Request, *, secret: bytes, connection_uuid: str
) -> tuple[Pending, str] | None:
    """The sign-in this browser started with the connection, and where it goes afterwards."""
    found = _read(request, secret, _SALT, connection_uuid)
    if found is None:
        return None
    pending = Pending(state=str(found["s"]), nonce=str(found["n"]), code_verifier=str(found["v"]))
    return pending, str(found.get("next", ""))


def forget_pending(response: Response, settings: Settings, connection_uuid: str) -> None:
    """Clears the cookie of either protocol's sign-in."""
    response.delete_cookie(
        COOKIE,
        path=cookie_path(connection_uuid),
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def keep_saml_request(
    response: Response, *, secret: bytes, settings: Settings, connection_uuid: str, request_id: str
) -> None:
    """Ties the request to this browser, for `finish_saml`."""
    _set(
        response,
        secret,
        _SAML_SALT,
        settings,
        connection_uuid,
        {"c": connection_uuid, "r": request_id},
    )


def saml_request_of(request: Request, *, secret: bytes, connection_uuid: str) -> str | None:
    found = _read(request, secret, _SAML_SALT, connection_uuid)
    return None if found is None else str(found.get("r", ""))


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


def answer_saml_request(
    session: Session,
    connection: SsoConnection,
    request_id: str,
    answer: dict[str, Any],
    *,
    secret: bytes,
    now: datetime,
) -> bool:
    """Whether `request_id` is one this server sent for the connection, unexpired and not yet
    answered; it keeps `answer` from now on (the caller commits) for `take_saml_answer`."""
    # One statement: of two posts of the same response, only one changes the row.
    answered = session.execute(
        update(OneTimeLink)
        .where(
            OneTimeLink.token_hash == _saml_hash(secret, connection, request_id),
            OneTimeLink.purpose == SAML_PURPOSE,
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > now,
        )
        .values(used_at=now, answer=answer)
    )
    return answered.rowcount == 1  # type: ignore[attr-defined]


def take_saml_answer(
    session: Session, connection: SsoConnection, request_id: str, *, secret: bytes, now: datetime
) -> dict[str, Any] | None:
    """The answer kept for the request this browser started, once: the row goes (the caller
    commits)."""
    row = session.scalar(
        select(OneTimeLink).where(
            OneTimeLink.token_hash == _saml_hash(secret, connection, request_id),
            OneTimeLink.purpose == SAML_PURPOSE,
            OneTimeLink.used_at.is_not(None),
            OneTimeLink.expires_at > now,
        )
    )
    if row is None or row.answer is None:
        return None
    # Of two requests taking it at once, only one deletes the row.
    taken = session.execute(delete(OneTimeLink).where(OneTimeLink.id == row.id))
    return row.answer if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def _saml_hash(secret: bytes, connection: SsoConnection, request_id: str) -> str:
    return token_hash(secret, SAML_PURPOSE, f"{connection.uuid}|{request_id}")


def _set(
    response: Response,
    secret: bytes,
    salt: str,
    settings: Settings,
    connection_uuid: str,
    state: dict[str, str],
) -> None:
    response.set_cookie(
        COOKIE,
        str(URLSafeTimedSerializer(secret, salt=salt).dumps(state)),
        max_age=STATE_MINUTES * 60,
        path=cookie_path(connection_uuid),
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
    )


def _read(
    request: Request, secret: bytes, salt: str, connection_uuid: str
) -> dict[str, Any] | None:
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        found: Any = URLSafeTimedSerializer(secret, salt=salt).loads(
            value, max_age=STATE_MINUTES * 60
        )
    except BadSignature:
        return None
    if not isinstance(found, dict) or found.get("c") != connection_uuid:
        return None
    return found
