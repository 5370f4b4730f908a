"""The Authorization header as Accredible clients send it: `Token token=KEY` (documented),
`Token KEY` (the Moodle plugin) and `Bearer KEY` (Open edX)."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from plaudit.domain.errors import Unauthenticated
from plaudit.domain.scope import Scope
from plaudit.services import api_keys


def presented_key(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, rest = authorization.strip().partition(" ")
    rest = rest.strip()
    if scheme.lower() == "bearer":
        return rest or None
    if scheme.lower() != "token":
        return None
    if rest.lower().startswith("token="):
        rest = rest[len("token=") :].split(",")[0].strip()
    return rest.strip('"') or None


async def request_key(request: Request) -> str | None:
    return presented_key(request.headers.get("authorization"))


def authorize(session: Session, key: str | None) -> Scope:
    """The scope of the presented key; Unauthenticated (401) when there is none that works."""
    scope = api_keys.authenticate(session, key) if key else None
    if scope is None:
        raise Unauthenticated()
    return scope


ApiKey = Annotated[str | None, Depends(request_key)]
