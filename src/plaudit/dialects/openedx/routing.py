"""Every Open edX path answers with and without a trailing slash (DRF's routers declare the
slash; edx-platform's older releases leave it off), and every error in DRF's bodies
(errors.py). `mount` puts a router under several prefixes: `/api/v1/credentials/` answers as
`/api/v2/credentials/` (issue 12, item 6)."""

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from plaudit.dialects.openedx import auth
from plaudit.dialects.openedx.drf_paging import INVALID_PAGE, InvalidPage
from plaudit.dialects.openedx.errors import (
    detail,
    error_response,
    unauthenticated,
    unavailable_response,
    validation_response,
)
from plaudit.domain.errors import DomainError, Unauthenticated
from plaudit.http.dialect_route import DialectRoute
from plaudit.http.method_not_allowed import allowed_methods
from plaudit.store.outage import DatabaseUnavailable

# The prefixes the credentials API answers under: v2, and the seed's older v1 example.
CREDENTIALS_PREFIXES = ("/api/v2", "/api/v1")


class OpenedxRoute(DialectRoute):
    """Renders every error raised while serving an Open edX route in DRF's bodies."""

    dialect = "openedx"

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A method the path lacks: DRF's 405, which names it (Starlette would raise a 405
        that plaudit.http.method_not_allowed renders without the method)."""
        if self.methods and scope["method"] not in self.methods:
            request = Request(scope)
            methods = allowed_methods(scope["app"], request.url.path, scope.get("root_path", ""))
            response = detail(
                f'Method "{scope["method"]}" not allowed.',
                status=405,
                headers={"Allow": ", ".join(methods)},
            )
            await response(scope, receive, send)
            return
        await super().handle(scope, receive, send)

    def nul_response(self) -> Response:
        return detail("Null characters are not allowed.", status=400)

    async def invalid_request(self, request: Request, error: RequestValidationError) -> Response:
        # DRF authenticates before it parses the body.
        try:
            await auth.request_caller(request)
        except Unauthenticated as refusal:
            return error_response(refusal)
        return validation_response(error)

    def domain_error(self, error: DomainError) -> Response:
        return error_response(error)

    def framework_error(self, error: HTTPException) -> Response:
        if error.status_code == 401:
            return unauthenticated()
        return detail(str(error.detail), status=error.status_code, headers=error.headers)

    def unavailable(self, outage: DatabaseUnavailable) -> Response:
        return unavailable_response(outage)

    def internal_error(self) -> Response:
        return detail("A server error occurred.", status=500)

    def known_error(self, request: Request, error: Exception) -> Response | None:
        """A page of a list that does not exist (drf_paging)."""
        if isinstance(error, InvalidPage):
            return detail(INVALID_PAGE, status=404)
        return None


class OpenedxRouter(APIRouter):
    """An APIRouter whose every route is mounted twice: as declared, and with (or without) the
    trailing slash. No redirect: clients that POST would not follow one. /openapi.json lists
    each operation once, as declared, tagged `Open edX...`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("tags", ["Open edX"])
        super().__init__(route_class=OpenedxRoute, **kwargs)

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # One route per method, so that each operation has its own operation id.
        twin_path = path[:-1] if path.endswith("/") else path + "/"
        for method in kwargs.pop("methods", None) or ["GET"]:
            super().add_api_route(path, endpoint, methods=[method], **kwargs)
            if twin_path:
                twin = {**kwargs, "include_in_schema": False}
                super().add_api_route(twin_path, endpoint, methods=[method], **twin)


def mount(
    parent: APIRouter, router: APIRouter, prefixes: Iterable[str] = CREDENTIALS_PREFIXES
) -> None:
    """Includes `router` under each prefix; only the first one shows in /openapi.json (the
    others answer the same, for clients configured with an older path)."""
    for position, prefix in enumerate(prefixes):
        parent.include_router(router, prefix=prefix, include_in_schema=position == 0)
