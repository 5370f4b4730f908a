"""`GET /healthz`: 200 when the server and its database answer, 503 (with Retry-After) while
the database cannot, recovering by itself once it can.

Load balancers ask it often, so it is a plain Starlette route (no dependency solving) over a
`DatabasePing` (no ORM session, and on SQLite no thread hop)."""

import logging
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response
from starlette.routing import Route

from plaudit.http.database_ping import DatabasePing
from plaudit.http.unavailable import outage_of, retry_after
from plaudit.store.outage import DatabaseUnavailable

logger = logging.getLogger("plaudit.health")
UP = b'{"status":"ok","database":"up"}'
DOWN = {"status": "unavailable", "database": "down"}


def database_ping_of(request: Request) -> DatabasePing:
    return request.app.state.database_ping


async def healthz(request: Request) -> Response:
    try:
        await database_ping_of(request)()
    except (SQLAlchemyError, DatabaseUnavailable) as error:
        outage = outage_of(request, error)
        if outage is None:
            logger.exception("health.database_error")
            return JSONResponse(DOWN, status_code=503)
        return JSONResponse(DOWN, status_code=503, headers=retry_after(outage))
    return Response(UP, media_type="application/json")


class _GetRoute(Route):
    """Starlette adds HEAD to every GET route; /healthz has always answered GET alone."""

    def __init__(self, path: str, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        super().__init__(path, endpoint, methods=["GET"], include_in_schema=False)
        self.methods = {"GET"}


# Added to the app's own routes (`app.router.routes`): an included router would rebuild it.
route = _GetRoute("/healthz", healthz)
