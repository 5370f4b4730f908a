"""`GET /healthz`: 200 when the server and its database answer."""

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plaudit.http.deps import DbSession

router = APIRouter()
logger = logging.getLogger("plaudit.health")


@router.get("/healthz", include_in_schema=False)
def healthz(session: DbSession) -> JSONResponse:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.exception("health.database_unreachable")
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})
