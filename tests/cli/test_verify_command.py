"""`plaudit verify FILE`, run as a real process: exit code 0 for a valid credential, 1 for an
invalid one, and the checks printed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.openbadges.verify_helpers import issued, revoke, signed_json, signed_jwt, tampered_json
from tests.support.live_server import LiveServer, start_live_server

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@pytest.fixture
def verify(database_url: str, settings: Settings, live_server: LiveServer):
    """The command with the server's database, public address and data directory (its secret)."""
    env = {
        **os.environ,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(settings.data_dir),
        "PLAUDIT_BASE_URL": live_server.base_url,
    }

    def run(*args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PLAUDIT, "verify", *args],
            env={**env, **overrides},
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def test_valid_credential_files_exit_0(
    verify, api: httpx.Client, http: httpx.Client, database_url: str, tmp_path: Path
) -> None:
    encoded_id = issued(api)["encoded_id"]
    files = {
        "credential.json": json.dumps(signed_json(http, encoded_id)).encode(),
        "credential.jwt": signed_jwt(http, encoded_id).encode(),
    }
    if database_url.startswith("sqlite"):
        # Taking the credential out of a baked badge reads no database; what is checked then
        # is the credential above. Once is enough (each run of the command takes seconds).
        files["badge.png"] = http.get(f"/c/{encoded_id}/badge-baked.png").content
        files["badge.svg"] = http.get(f"/c/{encoded_id}/badge-baked.svg").content
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        done = verify(str(path))
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        lines = done.stdout.splitlines()
        assert lines[0] == "VALID"
        assert [line.split()[:2] for line in lines[1:]] == [
            ["passed", check] for check in ("proof", "issuer", "status", "validity", "schema")
        ]


def test_invalid_credentials_exit_1_and_say_why(
    verify,
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    encoded_id = issued(api)["encoded_id"]
    document = signed_json(http, encoded_id)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(tampered_json(document)))
    done = verify(str(tampered), "--json")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["valid"] is False
    assert {c["name"]: c["outcome"] for c in result["checks"]}["proof"] == "failed"

    revoke(database, encoded_id)
    good = tmp_path / "revoked.json"
    good.write_text(json.dumps(document))
    done = verify(str(good))
    assert done.returncode == 1
    assert done.stdout.startswith("NOT VALID")
    assert any(line.split()[:2] == ["failed", "status"] for line in done.stdout.splitlines())

    if database_url.startswith("sqlite"):  # no database read: once is enough
        garbage = tmp_path / "garbage.txt"
        garbage.write_text("hello")
        done = verify(str(garbage))
        assert done.returncode == 1 and "compact JWT" in done.stdout


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    """Refused before any database or secret is read: on no backend in particular."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAUDIT_")}
    done = subprocess.run(
        [PLAUDIT, "verify", str(tmp_path / "missing.json")],
        env={**env, "PLAUDIT_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "cannot read" in done.stderr


def test_verifies_without_the_servers_base_url(
    verify, api: httpx.Client, http: httpx.Client, tmp_path: Path
) -> None:
    """This server's issuers are data: a credential issued under the server's base URL is
    valid for `plaudit verify` run under another one (or none), status included."""
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(signed_json(http, issued(api)["encoded_id"])))
    done = verify(str(path), PLAUDIT_BASE_URL="https://elsewhere.example")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()[1:]] == ["passed"] * 5


def test_old_credentials_verify_after_the_base_url_changes(
    api: httpx.Client,
    http: httpx.Client,
    settings: Settings,
    database: Database,
    tmp_path: Path,
) -> None:
    encoded_id = issued(api)["encoded_id"]
    document = signed_json(http, encoded_id)
    jwt = signed_jwt(http, encoded_id)
    moved = start_live_server(settings, database)  # the same data under another address
    try:
        assert moved.base_url not in json.dumps(document)
        for body, kind in ((json.dumps(document), "application/json"), (jwt, "application/vc+jwt")):
            result = httpx.post(
                f"{moved.base_url}/verify", content=body, headers={"Content-Type": kind}, timeout=30
            ).json()
            assert result["valid"] is True, result
        revoke(database, encoded_id)
        result = httpx.post(f"{moved.base_url}/verify", json=document, timeout=30).json()
        assert {c["name"]: c["outcome"] for c in result["checks"]}["status"] == "failed"
    finally:
        moved.stop()
