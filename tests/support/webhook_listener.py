"""A real HTTP listener on loopback for the webhook tests: it keeps each POST's path, headers
and raw body, checks its signature when it knows the path's secret, and answers from a
script per path (`500`, `500`, then `200`; a redirect; a 100 MB body; a slow answer),
`200 ok` once the script is used up."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from plaudit.notifications.webhook_signature import verify

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body_bytes: int = 2  # sent in CHUNK pieces, as long as the client reads
    delay: float = 0.0  # seconds before answering
    location: str | None = None


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    signed: bool | None  # None: the path's secret is not known

    @property
    def event_id(self) -> str:
        return self.headers["plaudit-event-id"]


@dataclass
class Listener:
    port: int
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[Answer]] = field(default_factory=dict)
    secrets: dict[str, bytes] = field(default_factory=dict)
    bytes_sent: dict[str, int] = field(default_factory=dict)  # of the answers, by path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        return [item for item in list(self.received) if item.path == path]

    def answer(self, path: str, *answers: Answer) -> None:
        self.scripts[path] = list(answers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as receivers are
    disable_nagle_algorithm = True  # else each answer's body waits for a delayed ACK (40 ms)
    server: "_Server"

    def do_POST(self) -> None:
        listener = self.server.listener
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if len(body) < length:  # the sender died mid-request: nothing was delivered
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        secret = listener.secrets.get(self.path)
        signed = (
            None
            if secret is None
            else verify(
                secret,
                headers.get("plaudit-signature", ""),
                headers.get("plaudit-timestamp", ""),
                body,
                now=time.time(),
            )
        )
        listener.received.append(Received(self.path, headers, body, signed))
        script = listener.scripts.get(self.path)
        answer = script.pop(0) if script else Answer()
        time.sleep(answer.delay)
        try:
            self._answer(listener, answer)
        except OSError:  # the client stopped reading, or gave up waiting
            self.close_connection = True

    def _answer(self, listener: Listener, answer: Answer) -> None:
        self.send_response(answer.status)
        if answer.location:
            self.send_header("Location", answer.location)
        self.send_header("Content-Length", str(answer.body_bytes))
        self.end_headers()
        sent = 0
        listener.bytes_sent[self.path] = 0
        while sent < answer.body_bytes:
            piece = min(CHUNK, answer.body_bytes - sent)
            self.wfile.write(b"o" * piece)
            sent += piece
            listener.bytes_sent[self.path] = sent

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    listener: Listener


@contextmanager
def webhook_listener() -> Iterator[Listener]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.listener = Listener(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.listener
    finally:
        server.shutdown()
        server.server_close()
