"""The per-request log line: written straight to the JSON handler when it alone listens, the
same line `logging` would write, and through `logging` whenever anything else listens."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from starlette.types import Message, Receive, Scope, Send

from plaudit.http.request_log import JsonHandler, RequestLogMiddleware, new_request_id
from tests.support.event_loop import run_coroutine

FIELDS = ("request_id", "method", "path", "status", "duration_ms")


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def json_handler() -> Iterator[JsonHandler]:
    """The root's only handler, as under `plaudit serve`, writing to a buffer."""
    root = logging.getLogger()
    plaudit = logging.getLogger("plaudit")
    kept_handlers, kept_level = root.handlers, plaudit.level
    handler = JsonHandler()
    handler.setStream(io.StringIO())
    root.handlers = [handler]
    plaudit.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.handlers = kept_handlers
        plaudit.setLevel(kept_level)


async def _answer(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def _serve(path: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    run_coroutine(RequestLogMiddleware(_answer)(scope, receive, send))
    return sent


def _lines(handler: JsonHandler) -> list[str]:
    return handler.stream.getvalue().splitlines()


def test_the_line_written_directly_is_the_line_logging_writes(json_handler: JsonHandler) -> None:
    sent = _serve("/healthz")
    [written] = _lines(json_handler)
    line = json.loads(written)
    assert list(line) == ["time", "level", "logger", "event", *FIELDS]
    assert line["path"] == "/healthz" and line["status"] == 204 and line["method"] == "GET"
    headers = dict(sent[0]["headers"])
    assert headers[b"x-request-id"].decode() == line["request_id"]

    fields = {name: line[name] for name in FIELDS}
    record = logging.getLogger("plaudit.request").makeRecord(
        "plaudit.request", logging.INFO, "", 0, "request", (), None, extra={"fields": fields}
    )
    through_logging = json_handler.format(record)
    assert written == through_logging.replace(json.loads(through_logging)["time"], line["time"])


def test_every_other_listener_still_gets_the_line(json_handler: JsonHandler) -> None:
    listener = Collected()
    logging.getLogger().addHandler(listener)
    try:
        _serve("/v1/credentials/7")
    finally:
        logging.getLogger().removeHandler(listener)
    [record] = listener.records
    assert record.getMessage() == "request"
    assert record.fields["path"] == "/v1/credentials/7"  # type: ignore[attr-defined]
    [written] = _lines(json_handler)
    assert json.loads(written)["request_id"] == record.fields["request_id"]  # type: ignore[attr-defined]


def test_no_line_below_the_configured_level(json_handler: JsonHandler) -> None:
    logging.getLogger("plaudit").setLevel(logging.WARNING)
    _serve("/healthz")
    assert _lines(json_handler) == []


def test_request_ids_are_32_hex_digits_and_distinct() -> None:
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(one) == 32 and set(one) <= set("0123456789abcdef") for one in ids)
