"""The merge-field values of a design preview link, carried in the link itself and signed with
the server's secret (as Accredible's own preview links carry theirs), so that the link needs no
stored state and nobody can make it render other values."""

from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "plaudit.design-preview"


def _serializer(secret: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def sign(secret: bytes, design_uuid: object, fields: dict[str, str]) -> str:
    return str(_serializer(secret).dumps({"d": str(design_uuid), "f": fields}))


def read(secret: bytes, design_uuid: object, data: str) -> dict[str, str] | None:
    """The values signed for this design, or None for a forged, altered or foreign link."""
    try:
        payload: Any = _serializer(secret).loads(data)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("d") != str(design_uuid):
        return None
    fields = payload.get("f")
    if not isinstance(fields, dict):
        return None
    return {str(key): str(value) for key, value in fields.items()}
