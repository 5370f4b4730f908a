"""The route class of public Open Badges documents: counted against the rate limits, readable
from any origin (verifiers run in browsers too), and every error a small JSON body."""

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from plaudit.domain.errors import DomainError, NotFound, RateLimited
from plaudit.http.rate_limit import limits_of
from plaudit.http.unavailable import message, outage_of, retry_after
from plaudit.openbadges.keys import KeyUnavailable

logger = logging.getLogger("plaudit.openbadges")
CORS = {"Access-Control-Allow-Origin": "*"}


def not_found() -> JSONResponse:
    return JSONResponse({"error": "Not found"}, status_code=404, headers=CORS)


class DocumentRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                await limits_of(request).admit(request)
                response = await handler(request)
            except (NotFound, RequestValidationError):
                return not_found()  # an id that is not a UUID names nothing either
            except RateLimited as error:
                return JSONResponse(
                    {"error": f"Rate limit exceeded. Try again in {error.retry_after} seconds."},
                    status_code=429,
                    headers={"Retry-After": str(error.retry_after), **CORS},
                )
            except DomainError:
                return JSONResponse({"error": "Bad request"}, status_code=400, headers=CORS)
            except KeyUnavailable as error:
                fields = {"request_id": request.state.request_id, "reason": str(error)}
                logger.error("openbadges.signing_key_unavailable", extra={"fields": fields})
                return JSONResponse({"error": "Temporarily unavailable"}, status_code=503)
            except Exception as error:
                if (outage := outage_of(request, error)) is not None:
                    return JSONResponse(
                        {"error": message(outage)},
                        status_code=503,
                        headers={**retry_after(outage), **CORS},
                    )
                logger.exception(
                    "openbadges.unhandled_error",
                    extra={"fields": {"request_id": request.state.request_id}},
                )
                return JSONResponse({"error": "Internal server error"}, status_code=500)
            response.headers.update(CORS)
            return response

        return route
