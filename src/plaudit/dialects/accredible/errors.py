"""Accredible's error bodies (seed 000): every failure of an Accredible route is rendered here."""

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException

from plaudit.dialects.accredible.auth import presented_key
from plaudit.domain.credential_search import InvalidQuery
from plaudit.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from plaudit.http.dialect_route import DialectRoute
from plaudit.http.unavailable import message, retry_after
from plaudit.http.validation import key_works, problem_fields
from plaudit.openbadges.keys import KeyUnavailable
from plaudit.store.outage import DatabaseUnavailable

logger = logging.getLogger("plaudit.accredible")

ACCESS_DENIED = "HTTP Token: Access denied."
INVALID_JSON = "Request body is not valid JSON"
SIGNING_KEY_UNAVAILABLE = (
    "This server cannot sign for your organization: its signing key was made under another "
    "server secret. Nothing was changed; the server's operator must set the secret it was made "
    "with or rotate the key. Try again afterwards."
)
FIXED_MESSAGES = {
    "achievement.unknown": "Invalid Group",
    "recipient.missing": "Can not create credential without recipient data",
    "credits.insufficient": "Insufficient credits to publish this credential",
}
# Domain field names that Accredible calls otherwise.
FIELD_NAMES = {"license_id": "id", "recipient.external_id": "recipient.id"}
_WRAPPERS = {
    "credential",
    "group",
    "evidence_item",
    "reference",
    "department",
    "attribute_key",
    "team_member",
    "collection",
    "data_export",
    "design",
    "webhook",
}


def error_response(error: DomainError) -> Response:
    if isinstance(error, Unauthenticated):
        return PlainTextResponse(
            ACCESS_DENIED,
            status_code=401,
            headers={"WWW-Authenticate": 'Token realm="Application"'},
        )
    if isinstance(error, NotFound):
        return JSONResponse({"errors": "Doesn't exist"}, status_code=404)
    if isinstance(error, InvalidQuery):
        body = {"code": 400, "message": error.message, "status": "invalid_search_query"}
        return JSONResponse({**body, "errors": {}}, status_code=400)
    if isinstance(error, RateLimited):
        return JSONResponse(
            {"errors": f"Rate limit exceeded. Try again in {error.retry_after} seconds."},
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    if isinstance(error, Invalid):
        message = FIXED_MESSAGES.get(error.code)
        return JSONResponse({"errors": message or wire_fields(error.fields)}, status_code=422)
    if isinstance(error, Conflict):
        return JSONResponse({"errors": error.message}, status_code=422)
    if isinstance(error, Forbidden):
        return JSONResponse({"errors": error.message}, status_code=403)
    return JSONResponse({"errors": str(error)}, status_code=422)


def unavailable_response(outage: DatabaseUnavailable) -> Response:
    """Accredible documents no 503; its 5xx body is `{"errors": "..."}`, worded as its 429."""
    return JSONResponse({"errors": message(outage)}, status_code=503, headers=retry_after(outage))


def wire_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Domain field names as Accredible names them, also inside `credentials[3].license_id`."""
    renamed = {}
    for name, reasons in fields.items():
        for domain, wire in FIELD_NAMES.items():
            if name == domain or name.endswith(f".{domain}"):
                name = name[: len(name) - len(domain)] + wire
                break
        renamed[name] = reasons
    return renamed


def validation_response(error: RequestValidationError) -> Response:
    """Malformed JSON is a 400; well-formed JSON with wrong types is a 422 naming each field."""
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return JSONResponse({"errors": INVALID_JSON}, status_code=400)
    return JSONResponse({"errors": validation_fields(problems)}, status_code=422)


def validation_fields(problems: Sequence[Any]) -> dict[str, list[str]]:
    """Pydantic's problems as Accredible field errors: `{"recipient.email": ["is invalid"]}`."""
    return problem_fields(problems, _WRAPPERS, whole="body")


class AccredibleRoute(DialectRoute):
    """Renders every error raised while serving an Accredible route in Accredible's format."""

    dialect = "accredible"

    def method_not_allowed(self, allow: str) -> Response:
        """The 405 of a method the path lacks (plaudit.http.method_not_allowed asks)."""
        return JSONResponse(
            {"errors": "Method Not Allowed"}, status_code=405, headers={"Allow": allow}
        )

    def nul_response(self) -> Response:
        return JSONResponse({"errors": "Request contains a NUL character"}, 400)

    async def invalid_request(self, request: Request, error: RequestValidationError) -> Response:
        if not await key_works(request, presented_key(request.headers.get("authorization"))):
            return error_response(Unauthenticated())
        return validation_response(error)

    def domain_error(self, error: DomainError) -> Response:
        return error_response(error)

    def framework_error(self, error: HTTPException) -> Response:
        detail = INVALID_JSON if error.status_code == 400 else error.detail
        return JSONResponse(
            {"errors": detail}, status_code=error.status_code, headers=error.headers
        )

    def known_error(self, request: Request, error: Exception) -> Response | None:
        if not isinstance(error, KeyUnavailable):
            return None
        # The operator's to fix (start-up reported it too); the client may retry then.
        fields = {"request_id": request.state.request_id, "reason": str(error)}
        logger.error("accredible.signing_key_unavailable", extra={"fields": fields})
        return JSONResponse({"errors": SIGNING_KEY_UNAVAILABLE}, status_code=503)

    def unavailable(self, outage: DatabaseUnavailable) -> Response:
        return unavailable_response(outage)

    def internal_error(self) -> Response:
        return JSONResponse({"errors": "Internal server error"}, status_code=500)
