"""Every command that touches the server's secret obeys PLAUDIT_ENV=production, and a signing key
made under another secret is reported at start-up, answered 503 at issuance (not 500) and
recovered from with `plaudit signing rotate`."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from plaudit.store.db import Database
from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving

PLAUDIT = str(Path(sys.executable).parent / "plaudit")
SECRET_A = "q7Vf2mZ0xL9cR4tB8nW1yK6hJ3pD5sG0aE2uI7oT"
SECRET_B = "Zp4Lx8Qw2Rt6Yu0Io3Pa7Sd1Fg5Hj9Kl2Mn6Bv0C"


def _clean_env(**settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAUDIT_")}
    return env | {f"PLAUDIT_{name.upper()}": value for name, value in settings.items()}


@pytest.mark.parametrize(
    ("command", "secret"),
    [
        (["init"], None),
        (["signing", "rotate", "--org", "1"], None),
        (["signing", "show"], None),
        (["worker"], None),
        (["verify", "-"], None),
        (["serve"], None),
        (["signing", "rotate"], "change-me-change-me-change-me-change-me"),
    ],
)
def test_each_command_refuses_in_production_without_a_real_secret(
    tmp_path: Path, command: list[str], secret: str | None
) -> None:
    data = tmp_path / "data"
    env = _clean_env(env="production", data_dir=str(data))
    if secret:
        env["PLAUDIT_SECRET_KEY"] = secret
    done = subprocess.run(
        [PLAUDIT, *command], env=env, input="{}", capture_output=True, text=True, timeout=30
    )
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "PLAUDIT_SECRET_KEY" in done.stderr
    assert not data.exists()  # no secret_key file, no database


@contextmanager
def _running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as sink:
        process = subprocess.Popen([PLAUDIT, *args], env=env, stdout=sink, stderr=sink)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(check, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _reported(log: Path, organization_id: int) -> list[dict]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [
        line
        for line in lines
        if line["event"] == "signing.key_unavailable" and line["organization_id"] == organization_id
    ]


def test_a_key_made_under_another_secret_is_reported_refused_cleanly_and_rotated_away(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    common = {
        "database_url": database_url,
        "data_dir": str(tmp_path / "data"),
        "env": "production",
        "demo_org_name": f"Secret A {tmp_path.name}",
        "worker_in_process": "false",
    }
    env_a = _clean_env(**common, secret_key=SECRET_A)
    env_b = _clean_env(**common, secret_key=SECRET_B)
    made = subprocess.run(
        [PLAUDIT, "init", "--json"], env=env_a, capture_output=True, text=True, timeout=60
    )
    assert made.returncode == 0, made.stderr
    organization_id = json.loads(made.stdout)["organization_id"]
    headers = {"Authorization": f"Token token={json.loads(made.stdout)['api_key']}"}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve_args = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    with _running(serve_args, env_b, tmp_path / "serve.log"):
        wait_until_serving(base)
        [line] = _reported(tmp_path / "serve.log", organization_id)
        assert f"plaudit signing rotate --org {organization_id}" in line["message"]
        assert SECRET_A not in (tmp_path / "serve.log").read_text()

        group = httpx.post(
            f"{base}/v1/issuer/groups",
            headers=headers,
            json={"group": {"name": "g", "course_name": "C", "course_description": "D"}},
            timeout=30,
        ).json()["group"]
        body = {"credential": {"recipient": {"name": "Ada", "email": "ada@example.com"}}}
        body["credential"]["group_id"] = group["id"]
        refused = httpx.post(f"{base}/v1/credentials", headers=headers, json=body, timeout=30)
        assert refused.status_code == 503
        assert "signing key" in refused.json()["errors"]
        # What must be signed on demand meanwhile (the status list) is a 503 page, not a 500.
        uuid = json.loads(made.stdout)["organization_uuid"]
        assert httpx.get(f"{base}/orgs/{uuid}/status/revocation", timeout=30).status_code == 503

        rotated = subprocess.run(
            [PLAUDIT, "signing", "rotate", "--org", str(organization_id)],
            env=env_b,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert rotated.returncode == 0, rotated.stderr
        issued = httpx.post(f"{base}/v1/credentials", headers=headers, json=body, timeout=30)
        assert issued.status_code == 200, issued.text
        encoded = issued.json()["credential"]["encoded_id"]
        assert httpx.get(f"{base}/c/{encoded}/credential.json", timeout=30).status_code == 200

    with _running(["worker"], env_a, tmp_path / "worker.log"):  # now A is the other secret
        _wait_for(lambda: _reported(tmp_path / "worker.log", organization_id), "not reported")
