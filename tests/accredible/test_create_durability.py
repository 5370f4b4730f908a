"""A 200 on a create means the credential is on disk: a server killed with SIGKILL right after
its last answer loses none of the credentials it acknowledged (issue 13)."""

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from plaudit.store.db import Database
from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving
from tests.support.tenants import Tenant

PLAUDIT = str(Path(sys.executable).parent / "plaudit")
CREATES = 24


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [PLAUDIT, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its worker processes die with it
    )
    wait_until_serving(f"http://127.0.0.1:{port}", seconds=90)  # two workers, a busy machine
    return server


def _kill(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def test_every_acknowledged_create_survives_a_kill(
    database_url: str, database: Database, tenant: Tenant, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(tmp_path),
        "PLAUDIT_RATE_LIMIT_ENABLED": "false",
        "PLAUDIT_LOG_LEVEL": "warning",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    server = _serve(env, port, workers=2)
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            group = client.post(
                "/v1/issuer/groups",
                json={
                    "group": {
                        "name": "Durable",
                        "course_name": "Durability 101",
                        "course_description": "Kept on disk.",
                    }
                },
            )
            assert group.status_code == 200, group.text
            group_id = group.json()["group"]["id"]

            def create(number: int) -> httpx.Response:
                recipient = {"name": f"Learner {number}", "email": f"l{number}@example.com"}
                body = {"credential": {"recipient": recipient, "group_id": group_id}}
                return client.post("/v1/credentials", json=body)

            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = list(pool.map(create, range(CREATES)))
        _kill(server)  # right after the last answer, with no chance to finish anything
    finally:
        if server.poll() is None:
            _kill(server)
    acknowledged = [answer.json()["credential"]["id"] for answer in answers]
    assert [answer.status_code for answer in answers] == [200] * CREATES

    server = _serve(env, port, workers=1)
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for credential_id in acknowledged:
                found = client.get(f"/v1/credentials/{credential_id}")
                assert found.status_code == 200, (credential_id, found.text)
                assert found.json()["credential"]["group_id"] == group_id
    finally:
        _kill(server)
