"""A real uvicorn server on a loopback port, in a thread of the test process."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from plaudit.app import create_app
from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.support.postgres import free_port


@dataclass
class LiveServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_live_server(
    settings: Settings, database: Database, extend: Callable[[FastAPI], None] | None = None
) -> LiveServer:
    """`extend` adds to the app before it serves (probe routes of a test module)."""
    port = free_port()
    settings = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}", "port": port})
    app = create_app(settings, database)
    if extend is not None:
        extend(app)
    # As `plaudit serve`: the app reads X-Forwarded-For itself, from trusted proxies only.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    return LiveServer(base_url=settings.public_base_url, server=server, thread=thread)
