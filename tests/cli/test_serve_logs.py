"""`plaudit serve` logs one JSON object per line: uvicorn's own lines (start-up, shutdown) and
every library's go through Plaudit's formatter, on stdout and stderr alike."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from plaudit.store.db import Database
from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


def test_every_line_serve_writes_is_a_json_object(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    env = {**os.environ, "PLAUDIT_DATABASE_URL": database_url, "PLAUDIT_DATA_DIR": str(tmp_path)}
    port = free_port()
    server = subprocess.Popen(
        [PLAUDIT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        assert httpx.get(f"http://127.0.0.1:{port}/v1/credentials/1").status_code == 401
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    lines = [line for line in (stdout + stderr).splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}") from None
    assert all(isinstance(entry, dict) for entry in parsed)
    events = [(entry["logger"], entry["event"]) for entry in parsed]
    # uvicorn's start-up and shutdown lines, in Plaudit's format.
    assert any(
        logger.startswith("uvicorn") and "Started server process" in event
        for logger, event in events
    ), events
    assert any(
        logger.startswith("uvicorn") and "Shutting down" in event for logger, event in events
    ), events
    assert ("plaudit.request", "request") in events
