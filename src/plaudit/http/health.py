"""`GET /healthz`: 200 when the server and its database answer."""

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from plaudit.http.deps import DbWork

router = APIRouter()
logger = logging.getLogger("plaudit.health")


@router.get("/healthz", include_in_schema=False)
async def healthz(work: DbWork) -> JSONResponse:
    def ping(session: Session) -> None:
        session.execute(text("SELECT 1"))

    try:
        await work(ping)
    except SQLAlchemyError:
        logger.exception("health.database_unreachable")
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})
