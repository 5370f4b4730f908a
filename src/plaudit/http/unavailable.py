"""Answers while the database cannot serve (store/outage.py): 503 with Retry-After, and the
incident logged once per interval, not once per request of the flood that follows it.

Each dialect and the pages render the 503 in their own format through `outage_of`; the handlers
installed here answer for every other route (JSON, in the `errors` form the API speaks)."""

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from plaudit.store.outage import DatabaseUnavailable, database_outage


def outage_of(request: Request, error: BaseException) -> DatabaseUnavailable | None:
    """The outage `error` reports (logged), or None when it is some other failure."""
    outage = database_outage(error)
    if outage is not None:
        request.app.state.database.outages.report(outage)
    return outage


def retry_after(outage: DatabaseUnavailable) -> dict[str, str]:
    return {"Retry-After": str(outage.retry_after)}


def message(outage: DatabaseUnavailable) -> str:
    return f"Service temporarily unavailable. Try again in {outage.retry_after} seconds."


async def _unavailable(request: Request, error: Exception) -> Response:
    outage = outage_of(request, error)
    if outage is None:
        raise error  # not an outage: the server's own 500, logged as one
    return JSONResponse({"errors": message(outage)}, status_code=503, headers=retry_after(outage))


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DatabaseUnavailable, _unavailable)
    app.add_exception_handler(SQLAlchemyError, _unavailable)
