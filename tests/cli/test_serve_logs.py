"""`plaudit serve` logs one JSON object per line: uvicorn's own lines (start-up, shutdown) and
every library's go through Plaudit's formatter, on stdout and stderr alike; one line per
request, with its id, and never the API key it came with."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from plaudit.store.db import Database
from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@dataclass(frozen=True)
class Served:
    """What one run of `plaudit serve` wrote, and the requests it answered meanwhile."""

    stdout: str
    stderr: str
    key: str
    request_id: str  # of an authenticated request answered 200


@pytest.fixture(scope="module")
def served(
    database_url: str, database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Served:
    """One server per backend for the module's tests (starting one takes seconds): an
    authenticated request and an unauthenticated one, then SIGTERM."""
    data = tmp_path_factory.mktemp("serve-logs")
    env = {
        **os.environ,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(data),
        "PLAUDIT_DEMO_ORG_NAME": f"Demo {data.name}",
    }
    init = subprocess.run(
        [PLAUDIT, "init", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert init.returncode == 0, init.stderr
    key = json.loads(init.stdout)["api_key"]
    port = free_port()
    server = subprocess.Popen(
        [PLAUDIT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base)
        response = httpx.get(
            f"{base}/v1/issuer/details", headers={"Authorization": f"Token token={key}"}, timeout=30
        )
        assert response.status_code == 200
        request_id = response.headers["x-request-id"]
        assert httpx.get(f"{base}/v1/credentials/1", timeout=30).status_code == 401
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    return Served(stdout, stderr, key, request_id)


def test_every_line_serve_writes_is_a_json_object(served: Served) -> None:
    lines = [line for line in (served.stdout + served.stderr).splitlines() if line.strip()]
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


def test_serve_answers_and_logs_one_json_line_per_request(served: Served) -> None:
    lines = [json.loads(line) for line in served.stderr.splitlines() if line.startswith("{")]
    logged = [line for line in lines if line.get("request_id") == served.request_id]
    assert len(logged) == 1
    assert logged[0]["path"] == "/v1/issuer/details" and logged[0]["status"] == 200
    assert served.key not in served.stderr
