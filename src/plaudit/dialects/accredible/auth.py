"""The Authorization header as Accredible clients send it: `Token token=KEY` (documented),
`Token KEY` (the Moodle plugin) and `Bearer KEY` (Open edX)."""

from typing import Annotated

from fastapi import Depends, Request

from plaudit.domain.errors import Unauthenticated
from plaudit.domain.scope import Scope
from plaudit.http.deps import DbSession
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


def require_scope(request: Request, session: DbSession) -> Scope:
    key = presented_key(request.headers.get("authorization"))
    scope = api_keys.authenticate(session, key) if key else None
    if scope is None:
        raise Unauthenticated()
    return scope


ApiScope = Annotated[Scope, Depends(require_scope)]
