"""Credly's error bodies (seed 002): `{"data": {"message": ..., "errors": [{"attribute",
"attribute_label", "messages"}]}, "metadata": ...}`; clients read `data.message`. Every failure
of a Credly route is rendered here."""

from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from plaudit.dialects.credly.auth import presented_token
from plaudit.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Replaced,
    Unauthenticated,
)
from plaudit.http.dialect_route import DialectRoute
from plaudit.http.unavailable import message, retry_after
from plaudit.http.validation import key_works, problem_fields
from plaudit.store.outage import DatabaseUnavailable

# Inferred: Credly documents the 401 but not its body; clients read `data.message` only.
UNAUTHORIZED = "You must provide a valid authorization token."
NOT_FOUND = "The requested resource could not be found."
INVALID_JSON = "Request body is not valid JSON"
# Domain field names that Credly calls otherwise.
FIELD_NAMES = {"url": "website_url", "email": "contact_email"}


def envelope(
    message: str,
    *,
    status: int,
    errors: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    data: dict[str, Any] = {"message": message}
    if errors is not None:
        data["errors"] = errors
    return JSONResponse({"data": data, "metadata": metadata}, status_code=status, headers=headers)


def error_response(error: DomainError) -> Response:
    if isinstance(error, Unauthenticated):
        return envelope(
            UNAUTHORIZED, status=401, headers={"WWW-Authenticate": 'Basic realm="Credly"'}
        )
    if isinstance(error, NotFound):
        return envelope(NOT_FOUND, status=404)
    if isinstance(error, RateLimited):
        return envelope(
            f"Rate limit exceeded. Try again in {error.retry_after} seconds.",
            status=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    if isinstance(error, Invalid):
        fields = {FIELD_NAMES.get(name, name): reasons for name, reasons in error.fields.items()}
        return validation_failed(fields or {"base": [str(error) or "is invalid"]})
    if isinstance(error, Replaced):
        return replaced_response(error)
    if isinstance(error, Conflict):
        return validation_failed({"base": [error.message]}, full=True)
    if isinstance(error, Forbidden):
        return envelope(error.message, status=403)
    return validation_failed({"base": [str(error)]}, full=True)


def replaced_response(error: Replaced) -> Response:
    """The seed's 422s for a replaced badge: revoke and replace name the current badge in
    `metadata`; delete answers its message alone, with `"metadata": null`."""
    if error.current is None:
        return envelope(error.message, status=422)
    return validation_failed(
        {"base": [error.message]}, full=True, metadata={"current_badge_id": str(error.current)}
    )


def validation_failed(
    fields: dict[str, list[str]], *, full: bool = False, metadata: dict[str, Any] | None = None
) -> Response:
    """A 422 as Rails renders it: `Validation failed: Webhook url is invalid`. `full` says the
    messages are sentences already (the `base` errors of the seed)."""
    errors = [
        {"attribute": name, "attribute_label": label(name), "messages": reasons}
        for name, reasons in fields.items()
    ]
    sentences = [
        reason if full or name == "base" else f"{label(name)} {reason}"
        for name, reasons in fields.items()
        for reason in reasons
    ]
    return envelope(
        f"Validation failed: {', '.join(sentences)}", status=422, errors=errors, metadata=metadata
    )


def label(attribute: str) -> str:
    """Rails' `humanize`: `webhook_url` → `Webhook url`, `base` → `Base`."""
    text = attribute.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def validation_response(error: RequestValidationError) -> Response:
    """Malformed JSON is a 400; well-formed JSON with wrong types is a 422 naming each field."""
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return envelope(INVALID_JSON, status=400)
    return validation_failed(problem_fields(problems))


class CredlyRoute(DialectRoute):
    """Renders every error raised while serving a Credly route in Credly's envelope."""

    dialect = "credly"

    def method_not_allowed(self, allow: str) -> Response:
        """The 405 of a method the path lacks (plaudit.http.method_not_allowed asks)."""
        return envelope("Method Not Allowed", status=405, headers={"Allow": allow})

    def nul_response(self) -> Response:
        return envelope("Request contains a NUL character", status=400)

    async def invalid_request(self, request: Request, error: RequestValidationError) -> Response:
        if not await key_works(request, presented_token(request.headers.get("authorization"))):
            return error_response(Unauthenticated())
        return validation_response(error)

    def domain_error(self, error: DomainError) -> Response:
        return error_response(error)

    def framework_error(self, error: HTTPException) -> Response:
        detail = INVALID_JSON if error.status_code == 400 else str(error.detail)
        return envelope(detail, status=error.status_code, headers=error.headers)

    def unavailable(self, outage: DatabaseUnavailable) -> Response:
        return unavailable_response(outage)

    def internal_error(self) -> Response:
        return envelope("Internal server error", status=500)


def unavailable_response(outage: DatabaseUnavailable) -> Response:
    return envelope(message(outage), status=503, headers=retry_after(outage))
