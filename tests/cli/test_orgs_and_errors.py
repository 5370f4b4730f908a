"""`plaudit orgs create|list`, keys for any organization, and every failure of a command as one
line on stderr with a non-zero exit status, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from plaudit.store.db import Database
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@pytest.fixture
def env(database_url: str, database: Database, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PLAUDIT_DATABASE_URL": database_url, "PLAUDIT_DATA_DIR": str(tmp_path)}


def plaudit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PLAUDIT, *args], env=env, capture_output=True, text=True, timeout=60)


def succeeds(env: dict[str, str], *args: str) -> str:
    done = plaudit(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def fails_in_one_line(env: dict[str, str], *args: str) -> str:
    done = plaudit(env, *args)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_orgs_create_prints_a_working_key_and_orgs_list_shows_it(
    env: dict[str, str], tmp_path: Path, live_server: LiveServer
) -> None:
    name = f"Orgs {tmp_path.name}"
    made = json.loads(succeeds(env, "orgs", "create", name, "--json"))
    assert made["organization_name"] == name
    details = httpx.get(
        f"{live_server.base_url}/v1/issuer/details",
        headers={"Authorization": f"Token token={made['api_key']}"},
        timeout=30,
    )
    assert details.status_code == 200
    assert details.json()["issuer"]["id"] == made["organization_id"]

    listed = json.loads(succeeds(env, "orgs", "list", "--json"))
    assert {"id": made["organization_id"], "uuid": made["organization_uuid"], "name": name} in [
        row for row in listed
    ]
    assert made["organization_uuid"] in succeeds(env, "orgs", "list")
    assert "API key (shown once): " in succeeds(env, "orgs", "create", f"{name} 2")

    assert "exists already" in fails_in_one_line(env, "orgs", "create", name)
    assert "blank" in fails_in_one_line(env, "orgs", "create", "  ")


def test_keys_create_works_for_a_new_organization_and_checks_it_exists(
    env: dict[str, str], tmp_path: Path, database: Database
) -> None:
    made = json.loads(succeeds(env, "orgs", "create", f"Keys {tmp_path.name}", "--json"))
    organization_id = str(made["organization_id"])
    key = json.loads(succeeds(env, "keys", "create", "--org", organization_id, "--json"))
    assert key["organization_id"] == made["organization_id"]
    assert key["prefix"] in succeeds(env, "keys", "list", "--org", organization_id)
    assert "no organization 999999999" in fails_in_one_line(
        env, "keys", "create", "--org", "999999999"
    )
    assert "--org" in fails_in_one_line(env, "keys", "create")  # several organizations now


def test_another_organizations_department_is_one_clear_line(
    env: dict[str, str], tmp_path: Path, tenant: Tenant
) -> None:
    made = json.loads(succeeds(env, "orgs", "create", f"Other {tmp_path.name}", "--json"))
    line = fails_in_one_line(
        env,
        "keys",
        "create",
        "--org",
        str(made["organization_id"]),
        "--department",
        str(tenant.default_department_id),
    )
    assert f"no department {tenant.default_department_id}" in line


@pytest.fixture
def no_database_env(tmp_path: Path) -> dict[str, str]:
    """For input refused before any database is opened: the same on every backend, so run once
    (with the data directory's own SQLite database, were it opened after all)."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("PLAUDIT_")}
    return {**clean, "PLAUDIT_DATA_DIR": str(tmp_path)}


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "revoke", "nosuchprefix"],
        ["credentials", "revoke", "nope", "--org", "999999999"],
    ],
)
def test_nothing_found_in_the_database_is_one_line(env: dict[str, str], args: list[str]) -> None:
    fails_in_one_line(env, *args)


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "create", "--org", "abc"],
        ["credits", "set", "many", "--org", "1"],
        ["signing", "did-method", "ftp"],
        ["verify", "/no/such/file.json"],
        ["no-such-command"],
    ],
)
def test_bad_input_is_one_line(no_database_env: dict[str, str], args: list[str]) -> None:
    fails_in_one_line(no_database_env, *args)


def test_a_bad_setting_is_one_line_without_its_value(no_database_env: dict[str, str]) -> None:
    env = {**no_database_env, "PLAUDIT_SECRET_KEY": "short-secret"}
    line = fails_in_one_line(env, "keys", "list")
    assert "PLAUDIT_SECRET_KEY" in line and "short-secret" not in line


def test_an_unusable_database_is_one_line(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    garbage.chmod(0o600)
    env = {**os.environ, "PLAUDIT_DATABASE_URL": f"sqlite:///{garbage}"}
    assert "database" in fails_in_one_line(env, "keys", "list")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    env["PLAUDIT_DATABASE_URL"] = f"sqlite:///{blocked}/plaudit.db"
    assert str(blocked) in fails_in_one_line(env, "keys", "list")
