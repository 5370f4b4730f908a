"""`GET /healthz`: 200 when the server and its database answer, 503 (with Retry-After) while
the database cannot, recovering by itself once it can."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from plaudit.http.deps import DbWork
from plaudit.http.unavailable import outage_of, retry_after
from plaudit.store.outage import DatabaseUnavailable

router = APIRouter()
logger = logging.getLogger("plaudit.health")
DOWN = {"status": "unavailable", "database": "down"}


@router.get("/healthz", include_in_schema=False)
async def healthz(request: Request, work: DbWork) -> JSONResponse:
    def ping(session: Session) -> None:
        session.execute(text("SELECT 1"))

    try:
        await work(ping)
    except (SQLAlchemyError, DatabaseUnavailable) as error:
        outage = outage_of(request, error)
        if outage is None:
            logger.exception("health.database_error")
            return JSONResponse(DOWN, status_code=503)
        return JSONResponse(DOWN, status_code=503, headers=retry_after(outage))
    return JSONResponse({"status": "ok", "database": "up"})
