"""`plaudit serve --host/--port` set the address every URL is built on, unless PLAUDIT_BASE_URL
does: stylesheets, images and the did:web must name the port the server listens on."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from plaudit.settings import Settings
from tests.support.postgres import free_port
from tests.support.serving import wait_until_serving

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@pytest.fixture(scope="module")
def env(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One data directory per backend, shared by the module's servers (they only read)."""
    data = tmp_path_factory.mktemp("serve-address")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLAUDIT_")}
    return {
        **clean,
        "PLAUDIT_DATABASE_URL": database_url,
        "PLAUDIT_DATA_DIR": str(data),
        "PLAUDIT_DEMO_ORG_NAME": f"Demo {data.name}",
        "PLAUDIT_WORKER_IN_PROCESS": "false",
    }


@pytest.fixture(scope="module")
def organization_uuid(env: dict[str, str]) -> str:
    """The demo organization whose DID the servers are asked for (`plaudit init` once)."""
    init = subprocess.run(
        [PLAUDIT, "init", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert init.returncode == 0, init.stderr
    return json.loads(init.stdout)["organization_uuid"]


@contextmanager
def serving(env: dict[str, str], *options: str) -> Iterator[None]:
    server = subprocess.Popen(
        [PLAUDIT, "serve", *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield
    finally:
        server.terminate()
        server.communicate(timeout=30)


def addresses(base: str, organization_uuid: str) -> tuple[str, str]:
    """The verify page's stylesheet URL and the organization's DID."""
    page = httpx.get(f"{base}/verify", timeout=30).text
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheet is not None
    did = httpx.get(f"{base}/orgs/{organization_uuid}/did.json", timeout=30).json()["id"]
    return stylesheet.group(1), did


def test_the_port_option_reaches_every_url(env: dict[str, str], organization_uuid: str) -> None:
    port = free_port()
    with serving(env, "--host", "127.0.0.1", "--port", str(port)):
        wait_until_serving(f"http://127.0.0.1:{port}")
        stylesheet, did = addresses(f"http://127.0.0.1:{port}", organization_uuid)
    assert stylesheet.startswith(f"http://127.0.0.1:{port}/")
    assert did.startswith(f"did:web:127.0.0.1%3A{port}:orgs:")


def test_a_wildcard_host_gives_localhost(env: dict[str, str], organization_uuid: str) -> None:
    port = free_port()
    with serving(env, "--host", "0.0.0.0", "--port", str(port)):
        wait_until_serving(f"http://127.0.0.1:{port}")
        stylesheet, did = addresses(f"http://127.0.0.1:{port}", organization_uuid)
    assert stylesheet.startswith(f"http://localhost:{port}/")
    assert did.startswith(f"did:web:localhost%3A{port}:orgs:")


def test_the_base_url_setting_wins(env: dict[str, str], organization_uuid: str) -> None:
    port = free_port()
    env = {**env, "PLAUDIT_BASE_URL": "https://credentials.example.org"}
    with serving(env, "--host", "127.0.0.1", "--port", str(port)):
        wait_until_serving(f"http://127.0.0.1:{port}")
        stylesheet, did = addresses(f"http://127.0.0.1:{port}", organization_uuid)
    assert stylesheet.startswith("https://credentials.example.org/")
    assert did.startswith("did:web:credentials.example.org:orgs:")


def test_init_shows_the_address_serve_will_answer_on(env: dict[str, str]) -> None:
    env = {**env, "PLAUDIT_HOST": "0.0.0.0", "PLAUDIT_PORT": "18100"}
    out = subprocess.run(
        [PLAUDIT, "init"], env=env, capture_output=True, text=True, timeout=60
    ).stdout
    assert "http://localhost:18100/v1/issuer/details" in out


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://localhost:8000"),
        ("::", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
        ("10.1.2.3", "http://10.1.2.3:8000"),
    ],
)
def test_public_base_url_of_a_listening_address(host: str, expected: str) -> None:
    assert Settings(host=host, port=8000).public_base_url == expected
