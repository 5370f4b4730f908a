"""One structured log line per request, with a request id that is also a response header."""

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

logger = logging.getLogger("plaudit.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """JSON lines on stderr; a class of its own so that configuring again replaces it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())


def configure_logging(level: str) -> None:
    """Every logger (Plaudit's, uvicorn's, every library's, and `warnings`) writes through one
    JSON handler on the root logger. Other handlers on the root (a test runner's) are kept.
    Plaudit logs at `level`; libraries only their warnings and errors unless `level` is debug
    (their info lines, such as Alembic's on every command, are chatter)."""
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, JsonHandler)]
    root.addHandler(JsonHandler())
    root.setLevel(logging.DEBUG if level.lower() == "debug" else logging.WARNING)
    plaudit = logging.getLogger("plaudit")
    plaudit.handlers = []
    plaudit.setLevel(level.upper())
    plaudit.propagate = True
    logging.captureWarnings(True)


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """uvicorn's `log_config`: its loggers get no handlers of their own and pass their lines
    to the root's JSON handler. uvicorn applies it in every worker process it starts, before
    anything is logged there."""
    passed_on = {"handlers": [], "propagate": True, "level": level.upper()}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"json": {"()": JsonHandler}},
        "root": {"handlers": ["json"], "level": level.upper()},
        "loggers": {
            name: dict(passed_on) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


class RequestLogMiddleware:
    """Pure ASGI middleware: logs method, path, status and duration; never headers or bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logger.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                },
            )


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _SAFE_REQUEST_ID.match(text) else None
    return None
