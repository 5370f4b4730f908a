"""Django REST framework's error bodies, as openedx/credentials answers them: `{"detail": ...}`
for authentication, permission, not found, throttling and parse errors, and `{field: [messages]}`
(nested like the serializers, `non_field_errors` for the whole object) for a 400 validation
error. Every failure of an Open edX route is rendered here."""

from typing import Any

from fastapi import Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from plaudit.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from plaudit.http.unavailable import message, retry_after
from plaudit.store.outage import DatabaseUnavailable

NOT_AUTHENTICATED = "Authentication credentials were not provided."
FORBIDDEN = "You do not have permission to perform this action."
NOT_FOUND = "Not found."
NON_FIELD = "non_field_errors"
# DRF's field messages, for the bodies checked by hand (credential_body, cert_status_body) too.
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_STRING = "Not a valid string."
NOT_INTEGER = "A valid integer is required."
# edx-drf-extensions' JwtAuthentication answers its 401s with this challenge.
CHALLENGE = {"WWW-Authenticate": 'JWT realm="api"'}
# DRF's messages for what Pydantic reports by type (the rest: "Invalid value.").
REASONS = {
    "missing": REQUIRED,
    "none_required": NOT_NULL,
    "string_type": NOT_STRING,
    "int_type": NOT_INTEGER,
    "int_parsing": NOT_INTEGER,
    "int_from_float": NOT_INTEGER,
    "float_type": "A valid number is required.",
    "float_parsing": "A valid number is required.",
    "decimal_parsing": "A valid number is required.",
    "decimal_type": "A valid number is required.",
    "bool_type": "Must be a valid boolean.",
    "bool_parsing": "Must be a valid boolean.",
    "list_type": "Expected a list of items.",
    "uuid_parsing": "Must be a valid UUID.",
    "uuid_type": "Must be a valid UUID.",
    "date_from_datetime_parsing": "Date has wrong format.",
    "date_parsing": "Date has wrong format.",
    "datetime_parsing": "Datetime has wrong format.",
    "datetime_from_date_parsing": "Datetime has wrong format.",
    "string_too_long": "Ensure this field has no more than {max_length} characters.",
    "too_long": "Ensure this field has no more than {max_length} elements.",
    "nul_character": "Null characters are not allowed.",
    "extra_forbidden": "Unknown field.",
}
INVALID = "Invalid value."


def not_a_dict(value: Any) -> str:
    return f"Invalid data. Expected a dictionary, but got {type(value).__name__}."


def not_a_list(value: Any) -> str:
    return f'Expected a list of items but got type "{type(value).__name__}".'


def detail(text: str, *, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": text}, status_code=status, headers=headers)


def unauthenticated(text: str = NOT_AUTHENTICATED) -> JSONResponse:
    return detail(text, status=401, headers=CHALLENGE)


def error_response(error: DomainError) -> Response:
    if isinstance(error, Unauthenticated):
        return unauthenticated(str(error) or NOT_AUTHENTICATED)
    if isinstance(error, Forbidden):
        return detail(FORBIDDEN, status=403)
    if isinstance(error, NotFound):
        return detail(NOT_FOUND, status=404)
    if isinstance(error, RateLimited):
        return detail(
            f"Request was throttled. Expected available in {error.retry_after} seconds.",
            status=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    if isinstance(error, Invalid):
        return invalid(error.fields or {NON_FIELD: [str(error)]})
    if isinstance(error, Conflict):
        return invalid({NON_FIELD: [error.message]})
    return invalid({NON_FIELD: [str(error)]})


def invalid(fields: dict[str, list[str]]) -> JSONResponse:
    """A 400 with each field's messages; `credential.program_uuid` nests as the serializer
    does (`{"credential": {"program_uuid": [...]}}`), `base` is DRF's `non_field_errors`."""
    body: dict[str, Any] = {}
    for name, reasons in fields.items():
        parts = [NON_FIELD if part == "base" else part for part in name.split(".") if part]
        _place(body, parts or [NON_FIELD], list(reasons))
    return JSONResponse(body, status_code=400)


def _place(body: dict[str, Any], parts: list[str], reasons: list[str]) -> None:
    node = body
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    existing = node.get(parts[-1])
    node[parts[-1]] = [*existing, *reasons] if isinstance(existing, list) else reasons


def validation_response(error: RequestValidationError) -> Response:
    """Malformed JSON is DRF's ParseError; anything else a 400 naming each field."""
    problems = error.errors()
    for problem in problems:
        if problem.get("type") == "json_invalid":
            reason = problem.get("ctx", {}).get("error", "Expecting value")
            return detail(f"JSON parse error - {reason}", status=400)
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(_field(problem.get("loc", ())), []).append(_reason(problem))
    return invalid(fields)


def _field(location: tuple[Any, ...]) -> str:
    """`body.credential.program_uuid` → `credential.program_uuid`; list positions and the
    model-type tags Pydantic adds for unions are left out (DRF names the field)."""
    parts = [str(part) for part in location if not isinstance(part, int)]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    parts = [part for part in parts if not part.startswith(("function-", "tagged-union["))]
    return ".".join(parts) or NON_FIELD


def _reason(problem: dict[str, Any]) -> str:
    kind = str(problem.get("type", ""))
    if kind != "missing" and "input" in problem and problem["input"] is None:
        return REASONS["none_required"]
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return not_a_dict(problem.get("input"))
    if kind == "value_error" and problem.get("ctx", {}).get("error") is not None:
        # A validator's own message (a rule of the dialect, in upstream's words).
        return str(problem["ctx"]["error"])
    template = REASONS.get(kind)
    if template is None:
        return INVALID
    try:
        return template.format(**problem.get("ctx", {}))
    except (KeyError, IndexError):
        return INVALID


def unavailable_response(outage: DatabaseUnavailable) -> Response:
    return detail(message(outage), status=503, headers=retry_after(outage))
