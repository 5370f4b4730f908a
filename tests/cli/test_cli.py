"""The `plaudit` command, run as a real process against each backend."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from plaudit.services import api_keys
from plaudit.store.db import Database
from tests.support.live_server import LiveServer
from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@pytest.fixture
def env(database_url: str, database: Database, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(tmp_path),
        "PLAUDIT_DEMO_ORG_NAME": f"Demo {tmp_path.name}",
    }


@pytest.fixture
def run(env: dict[str, str]):
    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [PLAUDIT, *args], env=env, capture_output=True, text=True, timeout=60
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return run


def test_init_is_idempotent_and_prints_a_working_key(
    run,
    database: Database,
    live_server: LiveServer,
) -> None:
    first = json.loads(run("init", "--json").stdout)
    second = json.loads(run("init", "--json").stdout)
    assert first["created"] is True and second["created"] is False
    assert first["organization_id"] == second["organization_id"]
    assert first["api_key"] != second["api_key"]
    for key in (first["api_key"], second["api_key"]):
        response = httpx.get(
            f"{live_server.base_url}/v1/issuer/details",
            headers={"Authorization": f"Token token={key}"},
        )
        assert response.status_code == 200
        assert response.json()["issuer"]["id"] == first["organization_id"]


def test_init_without_json_prints_the_key(run) -> None:
    out = run("init").stdout
    assert "API key (shown once): " in out


def test_keys_create_list_revoke(run, database: Database) -> None:
    organization_id = json.loads(run("init", "--json").stdout)["organization_id"]
    created = json.loads(
        run("keys", "create", "--org", str(organization_id), "--label", "lms", "--json").stdout
    )
    with database.session(readonly=True) as session:
        assert api_keys.authenticate(session, created["api_key"]) is not None
    listed = run("keys", "list", "--org", str(organization_id)).stdout
    assert created["prefix"] in listed and "lms" in listed
    assert created["api_key"] not in listed
    run("keys", "revoke", created["prefix"])
    with database.session(readonly=True) as session:
        assert api_keys.authenticate(session, created["api_key"]) is None
    assert "revoked" in run("keys", "list", "--org", str(organization_id)).stdout


def test_department_key_needs_a_department_of_the_organization(run) -> None:
    organization_id = json.loads(run("init", "--json").stdout)["organization_id"]
    result = run(
        "keys", "create", "--org", str(organization_id), "--department", "999999", check=False
    )
    assert result.returncode != 0


def test_db_upgrade(run) -> None:
    assert "up to date" in run("db", "upgrade").stdout


def test_serve_answers_and_logs_one_json_line_per_request(run, env: dict[str, str]) -> None:
    key = json.loads(run("init", "--json").stdout)["api_key"]
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
            f"{base}/v1/issuer/details", headers={"Authorization": f"Token token={key}"}
        )
        assert response.status_code == 200
        request_id = response.headers["x-request-id"]
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    logged = [line for line in lines if line.get("request_id") == request_id]
    assert len(logged) == 1
    assert logged[0]["path"] == "/v1/issuer/details" and logged[0]["status"] == 200
    assert key not in stderr


def test_credits_set_and_show(run) -> None:
    organization_id = str(json.loads(run("init", "--json").stdout)["organization_id"])
    assert run("credits", "show", "--org", organization_id).stdout.strip() == "unlimited"
    run("credits", "set", "25", "--org", organization_id)
    assert run("credits", "show", "--org", organization_id).stdout.strip() == "25"
    assert run("credits", "set", "-3", "--org", organization_id, check=False).returncode != 0
    assert run("credits", "set", "many", "--org", organization_id, check=False).returncode != 0
    run("credits", "set", "unlimited", "--org", organization_id)
    assert run("credits", "show", "--org", organization_id).stdout.strip() == "unlimited"
