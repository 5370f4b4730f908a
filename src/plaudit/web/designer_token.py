"""Designer tokens: what `POST /v1/designers/{kind}/initialize` hands out.

A token opens the design editor on one design of one organization, and nothing else (not the
API), until `PLAUDIT_DESIGNER_TOKEN_TTL_SECONDS` run out. It is signed and timestamped with the
server's secret (itsdangerous), so it needs no stored state.
"""

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "plaudit.designer"


@dataclass(frozen=True)
class DesignerGrant:
    organization_id: int
    design_id: int


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def issue(secret: bytes, grant: DesignerGrant) -> str:
    return str(_serializer(secret).dumps({"o": grant.organization_id, "d": grant.design_id}))


def read(secret: bytes, token: str, ttl_seconds: int) -> DesignerGrant | None:
    """The grant of a valid, unexpired token; None for none, a forged or an old one."""
    try:
        payload: Any = _serializer(secret).loads(token, max_age=ttl_seconds)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict):
        return None
    organization_id, design_id = payload.get("o"), payload.get("d")
    if not isinstance(organization_id, int) or not isinstance(design_id, int):
        return None
    return DesignerGrant(organization_id=organization_id, design_id=design_id)
