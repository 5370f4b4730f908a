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

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


def _runner(env: dict[str, str]):
    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [PLAUDIT, *args], env=env, capture_output=True, text=True, timeout=60
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return run


@pytest.fixture(scope="module")
def env(
    database_url: str, database: Database, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """One data directory and demo organization per backend, shared by the module's tests:
    `plaudit init` once, not once a test. Each test makes its own keys and reads only those."""
    data = tmp_path_factory.mktemp("cli")
    return {
        **os.environ,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(data),
        "PLAUDIT_DEMO_ORG_NAME": f"Demo {data.name}",
    }


@pytest.fixture(scope="module")
def demo(env: dict[str, str]) -> dict:
    """`plaudit init --json` of the module's demo organization."""
    return json.loads(_runner(env)("init", "--json").stdout)


@pytest.fixture
def run(env: dict[str, str]):
    return _runner(env)


def test_init_is_idempotent_and_prints_a_working_key(
    run, demo: dict, database: Database, live_server: LiveServer
) -> None:
    first = demo  # the module's first `init`, into a data directory of its own
    second = json.loads(run("init", "--json").stdout)
    assert first["created"] is True and second["created"] is False
    assert first["organization_id"] == second["organization_id"]
    assert first["api_key"] != second["api_key"]
    for key in (first["api_key"], second["api_key"]):
        response = httpx.get(
            f"{live_server.base_url}/v1/issuer/details",
            headers={"Authorization": f"Token token={key}"},
            timeout=30,
        )
        assert response.status_code == 200
        assert response.json()["issuer"]["id"] == first["organization_id"]


def test_init_without_json_prints_the_key(run, demo: dict) -> None:
    out = run("init").stdout  # the organization exists already: a new key all the same
    assert "API key (shown once): " in out


def test_keys_create_list_revoke(run, demo: dict, database: Database) -> None:
    organization_id = demo["organization_id"]
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


def test_department_key_needs_a_department_of_the_organization(run, demo: dict) -> None:
    organization_id = demo["organization_id"]
    result = run(
        "keys", "create", "--org", str(organization_id), "--department", "999999", check=False
    )
    assert result.returncode != 0


def test_db_upgrade(run) -> None:
    assert "up to date" in run("db", "upgrade").stdout


def test_credits_set_and_show(run, demo: dict) -> None:
    organization_id = str(demo["organization_id"])  # no other test sets its credits
    assert run("credits", "show", "--org", organization_id).stdout.strip() == "unlimited"
    run("credits", "set", "25", "--org", organization_id)
    assert run("credits", "show", "--org", organization_id).stdout.strip() == "25"
    assert run("credits", "set", "-3", "--org", organization_id, check=False).returncode != 0
    # A balance that is no number: test_orgs_and_errors.py (refused in one line, before the
    # database is opened, so the same on every backend).
    run("credits", "set", "unlimited", "--org", organization_id)
    assert run("credits", "show", "--org", organization_id).stdout.strip() == "unlimited"
