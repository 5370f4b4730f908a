"""Servers tests start: waiting for a `plaudit serve` started as a process, and a WSGI
application (a stand-in for another party's server) served on a loopback port in a thread."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from werkzeug.serving import make_server


def wait_until_serving(base: str, seconds: float = 30) -> None:
    """Returns once `{base}/healthz` answers 200; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)


@contextmanager
def serving_wsgi(port: int, application: Any) -> Iterator[None]:
    """`application` answers on 127.0.0.1:`port` (a thread per request) while the block runs."""
    server = make_server("127.0.0.1", port, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(timeout=5)
