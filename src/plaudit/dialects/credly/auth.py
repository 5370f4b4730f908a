"""HTTP Basic with the organization's token, as Credly clients send it: `base64("token:")`
(riipen/credly-ruby), `base64("token")` with no colon (openedx/credentials) and
`base64("token|")` (isovalent/credly-go). The token is a Plaudit API key; the organization in
the path is the key's organization's UUID, and any other one is a 404."""

import base64
import binascii
import re
import uuid
from typing import Annotated

from fastapi import Request, Security
from fastapi.security.http import HTTPBase
from sqlalchemy.orm import Session

from plaudit.domain.errors import NotFound, Unauthenticated
from plaudit.domain.scope import Scope
from plaudit.services import api_keys, organizations
from plaudit.store.tables import Organization

# What ends the token inside the decoded credentials: the user/password colon, or credly-go's bar.
_TOKEN_END = re.compile(r"[:|]")


def presented_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    encoded = encoded.strip()
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return _TOKEN_END.split(text, maxsplit=1)[0].strip() or None


class BasicToken(HTTPBase):
    """The token of the request's HTTP Basic credentials, in any of the forms above; also
    declares Credly's `CredlyBasic` security scheme (HTTP Basic) in /openapi.json for every
    operation that asks for it. A missing token is left to `authorize` (a 401 in Credly's
    envelope), not refused here."""

    def __init__(self) -> None:
        super().__init__(
            scheme="basic",
            scheme_name="CredlyBasic",
            description="Credly: the API key as user name, empty password.",
            auto_error=False,
        )

    async def __call__(self, request: Request) -> str | None:  # type: ignore[override]
        return presented_token(request.headers.get("Authorization"))


request_token = BasicToken()


def authorize(session: Session, token: str | None) -> Scope:
    """The scope of the presented token; Unauthenticated (401) when there is none that works."""
    scope = api_keys.authenticate(session, token) if token else None
    if scope is None:
        raise Unauthenticated()
    return scope


def authorize_organization(
    session: Session, token: str | None, organization_id: str
) -> tuple[Scope, Organization]:
    """The scope and the organization of the path, which must be the token's own (by UUID)."""
    scope = authorize(session, token)
    organization = organizations.get_organization(session, scope.organization_id)
    try:
        wanted = uuid.UUID(organization_id.strip())
    except ValueError:
        raise NotFound("organization") from None
    if organization.uuid != wanted:
        raise NotFound("organization")
    return scope, organization


Token = Annotated[str | None, Security(request_token)]
