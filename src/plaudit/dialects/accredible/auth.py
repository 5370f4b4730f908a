"""The Authorization header as Accredible clients send it: `Token token=KEY` (documented),
`Token KEY` (the Moodle plugin) and `Bearer KEY` (Open edX)."""

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
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


# The two schemes /docs offers under "Authorize" (and /openapi.json declares on every operation
# that takes a key): the documented header typed whole, or the bare key sent as Bearer. Both
# read the same Authorization header, never refuse by themselves (auto_error=False: a missing
# or refused key is answered in Accredible's own format by `authorize`), and accept every form
# `presented_key` does.
TOKEN_SCHEME = APIKeyHeader(
    name="Authorization",
    scheme_name="AccredibleToken",
    description="The whole header value: `Token token=YOUR_API_KEY`.",
    auto_error=False,
)
BEARER_SCHEME = HTTPBearer(
    scheme_name="Bearer", description="The API key alone, sent as `Bearer KEY`.", auto_error=False
)


# The security requirement of an operation that takes a key, as /openapi.json declares it. A
# route that reads its key with `key_of` instead of the `ApiKey` dependency declares it through
# `openapi_extra=SECURITY`: solving the dependency and its two schemes cost about 0.1 ms of CPU
# a request, more than reading the credential it asks for.
SECURITY = {"security": [{TOKEN_SCHEME.scheme_name: []}, {BEARER_SCHEME.scheme_name: []}]}


def key_of(request: Request) -> str | None:
    """The key a request presents, as `ApiKey` finds it."""
    return presented_key(request.headers.get("authorization"))


async def request_key(
    authorization: Annotated[str | None, Security(TOKEN_SCHEME)],
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)],
) -> str | None:
    return presented_key(authorization)


def authorize(session: Session, key: str | None) -> Scope:
    """The scope of the presented key; Unauthenticated (401) when there is none that works."""
    scope = api_keys.authenticate(session, key) if key else None
    if scope is None:
        raise Unauthenticated()
    return scope


ApiKey = Annotated[str | None, Depends(request_key)]
