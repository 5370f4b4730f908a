"""One structured log line per request, with a request id that is also a response header.

The line is written at every request, so when the JSON handler alone would receive it, as under
`plaudit serve`, the middleware formats and writes it itself: the same bytes, without the
LogRecord, caller lookup and handler dispatch that were three quarters of its cost. Anything else
listening (a test runner's handler, a filter) gets it through `logging` as before.
"""

import json
import logging
import random
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
_ENCODER = json.JSONEncoder(default=str)

logger = logging.getLogger("plaudit.request")


def json_line(
    time_text: str, level: str, name: str, event: str, fields: dict[str, Any]
) -> dict[str, Any]:
    return {"time": time_text, "level": level, "logger": name, "event": event, **fields}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = json_line(
            self.formatTime(record, TIME_FORMAT),
            record.levelname.lower(),
            record.name,
            record.getMessage(),
            getattr(record, "fields", {}),
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(line)


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """JSON lines on stderr; a class of its own so that configuring again replaces it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    def write(self, line: str) -> None:
        """Writes a line formatted already, as `emit` writes a record's."""
        try:
            with self.lock:  # type: ignore[union-attr]
                self.stream.write(line + self.terminator)
                self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(logging.makeLogRecord({"msg": line}))


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
        request_id = _incoming_request_id(scope) or new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((_REQUEST_ID_HEADER_BYTES, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if logger.isEnabledFor(logging.INFO):
                log_request(
                    {
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                )


def log_request(fields: dict[str, Any]) -> None:
    """The `request` line at INFO: written straight to the JSON handler when it alone would
    receive it, else through `logging`."""
    handler = _sole_json_handler()
    if handler is None:
        logger.info("request", extra={"fields": fields})
        return
    line = json_line(time.strftime(TIME_FORMAT), "info", logger.name, "request", fields)
    handler.write(_ENCODER.encode(line))


def _sole_json_handler() -> JsonHandler | None:
    """The root's JSON handler if it alone would receive this logger's INFO lines, and no
    filter would see them first (a logger's filters apply to its own lines only); else None."""
    if logger.filters:
        return None
    current: logging.Logger | None = logger
    root = logging.getLogger()
    while current is not root:
        if current is None or current.handlers or not current.propagate:
            return None
        current = current.parent
    if len(root.handlers) != 1:
        return None
    handler = root.handlers[0]
    if type(handler) is not JsonHandler or handler.filters or handler.level > logging.INFO:
        return None
    return handler if type(handler.formatter) is JsonFormatter else None


def new_request_id() -> str:
    """32 random hex digits, as a uuid4's hex. A request id names a log line and need not be
    unguessable, so it comes from `random` (reseeded in every forked process) rather than
    `os.urandom`, a system call per request."""
    return f"{random.getrandbits(128):032x}"


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == _REQUEST_ID_HEADER_BYTES:
            text = value.decode("latin-1")
            return text if _SAFE_REQUEST_ID.match(text) else None
    return None
