"""The error handling every API dialect shares: one order of refusals, each worded by the
dialect. A route of any dialect refuses NUL characters in its path and query, admits the
request through the rate limits, tells only a caller with working credentials what is wrong
with its request, renders domain errors, the framework's own refusals, a database outage (503)
and anything unexpected (500, logged with the request id), and counts its 401s as failed
sign-ins for the rate limits."""

import logging
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from plaudit.domain.errors import DomainError
from plaudit.domain.limits import contains_nul
from plaudit.http.rate_limit import limits_of
from plaudit.http.unavailable import outage_of
from plaudit.store.outage import DatabaseUnavailable


class DialectRoute(APIRoute):
    """Subclasses word each answer in their dialect's format."""

    # Prefix of the log event of an unexpected error: `<dialect>.unhandled_error`.
    dialect: ClassVar[str]

    def nul_response(self) -> Response:
        raise NotImplementedError

    async def invalid_request(self, request: Request, error: RequestValidationError) -> Response:
        """A request the framework could not validate: a 401 unless the caller's credentials
        work, else the dialect's validation error."""
        raise NotImplementedError

    def domain_error(self, error: DomainError) -> Response:
        raise NotImplementedError

    def framework_error(self, error: HTTPException) -> Response:
        """The framework's own refusals: a body it could not read (400), one too large."""
        raise NotImplementedError

    def unavailable(self, outage: DatabaseUnavailable) -> Response:
        raise NotImplementedError

    def internal_error(self) -> Response:
        raise NotImplementedError

    def known_error(self, request: Request, error: Exception) -> Response | None:
        """A dialect's answer to an error it expects beyond the shared ones; None if none."""
        return None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            response = await respond(request)
            if response.status_code == 401:
                await limits_of(request).record_failed_auth(request)
            return response

        async def respond(request: Request) -> Response:
            if contains_nul([*request.path_params.values(), *request.query_params.values()]):
                return self.nul_response()
            try:
                await limits_of(request).admit(request)
                return await handler(request)
            except RequestValidationError as error:
                return await self.invalid_request(request, error)
            except DomainError as error:
                return self.domain_error(error)
            except HTTPException as error:
                return self.framework_error(error)
            except Exception as error:
                if (answer := self.known_error(request, error)) is not None:
                    return answer
                if (outage := outage_of(request, error)) is not None:
                    return self.unavailable(outage)
                logging.getLogger(f"plaudit.{self.dialect}").exception(
                    f"{self.dialect}.unhandled_error",
                    extra={"fields": {"request_id": request.state.request_id}},
                )
                return self.internal_error()

        return route
