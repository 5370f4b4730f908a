"""Credentials of other issuers: their did:web document (and their status list on the same
host) is fetched, within bounds, and a check that cannot be made reads "could not be checked",
never "failed". The other issuer is a second Plaudit, with its own database, on another
loopback port; nothing here reaches beyond loopback."""

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plaudit.openbadges.data_integrity import add_proof
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.migrate import upgrade
from tests.openbadges.test_verify_api import _foreign_credential, _strip
from tests.openbadges.verify_helpers import issued, signed_json
from tests.support.live_server import LiveServer, start_live_server
from tests.support.tenants import make_tenant


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Another Plaudit: its own database, data directory (secret) and port."""
    root = tmp_path_factory.mktemp("elsewhere")
    url = f"sqlite:///{root / 'plaudit.db'}"
    database = Database(url)
    upgrade(database.engine)
    settings = Settings(
        data_dir=root, database_url=url, rate_limit_enabled=False, worker_in_process=False
    )
    server = start_live_server(settings, database)
    server.database = database  # type: ignore[attr-defined]
    yield server
    server.stop()
    database.dispose()


@pytest.fixture(scope="module")
def foreign_credential(elsewhere: LiveServer) -> dict[str, Any]:
    tenant = make_tenant(elsewhere.database)  # type: ignore[attr-defined]
    headers = {"Authorization": f"Token token={tenant.api_key}"}
    with (
        httpx.Client(base_url=elsewhere.base_url, headers=headers, timeout=30) as api,
        httpx.Client(base_url=elsewhere.base_url, timeout=30) as http,
    ):
        return signed_json(http, issued(api)["encoded_id"])


def _verifier(settings: Settings, database: Database, **changes: Any) -> LiveServer:
    return start_live_server(
        settings.model_copy(update={"verify_fetch": True, **changes}), database
    )


def _verify(server: LiveServer, document: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{server.base_url}/verify", json=document, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _outcomes(result: dict[str, Any]) -> dict[str, str]:
    return {check["name"]: check["outcome"] for check in result["checks"]}


def _reason(result: dict[str, Any], name: str) -> str:
    return next(check["reason"] for check in result["checks"] if check["name"] == name)


def test_another_plaudits_credential_verifies_when_its_host_is_allowed(
    settings: Settings, database: Database, elsewhere: LiveServer, foreign_credential: dict
) -> None:
    host = elsewhere.base_url.removeprefix("http://")
    verifier = _verifier(settings, database, verify_fetch_allow_hosts=f"example.org, {host}")
    try:
        result = _verify(verifier, foreign_credential)
        page = httpx.post(
            f"{verifier.base_url}/verify",
            files={"credential": (None, httpx.Response(200, json=foreign_credential).text)},
            headers={"Accept": "text/html"},
            timeout=30,
        ).text
    finally:
        verifier.stop()
    assert result["valid"] is True, result
    assert set(_outcomes(result).values()) == {"passed"}
    assert "Verified" in page


def test_a_loopback_issuer_not_allowed_could_not_be_checked(
    settings: Settings, database: Database, elsewhere: LiveServer, foreign_credential: dict
) -> None:
    verifier = _verifier(settings, database)
    try:
        result = _verify(verifier, foreign_credential)
        page = httpx.post(
            f"{verifier.base_url}/verify",
            files={"credential": (None, httpx.Response(200, json=foreign_credential).text)},
            headers={"Accept": "text/html"},
            timeout=30,
        ).text
    finally:
        verifier.stop()
    assert result["valid"] is False and result["verdict"] == "unchecked"
    assert _outcomes(result)["proof"] == _outcomes(result)["issuer"] == "unchecked"
    assert "failed" not in _outcomes(result).values()
    assert "loopback" in _reason(result, "issuer")
    assert _reason(result, "issuer").startswith("could not be checked: ")
    assert "Could not be checked" in page and ">failed<" not in page


def test_fetching_turned_off_could_not_be_checked(
    http: httpx.Client, foreign_credential: dict
) -> None:
    result = http.post("/verify", json=foreign_credential).json()  # the shared server: off
    assert result["verdict"] == "unchecked"
    assert "turned off" in _reason(result, "issuer")


@pytest.fixture
def listening() -> Iterator[socket.socket]:
    """A loopback port that would notice a connection."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "192.168.1.1", "LISTENING"])
def test_a_private_address_is_refused_before_any_connection(
    settings: Settings, database: Database, listening: socket.socket, host: str
) -> None:
    if host == "LISTENING":
        host = f"127.0.0.1%3A{listening.getsockname()[1]}"
    issuer = f"did:web:{host}"
    key = Ed25519PrivateKey.generate()
    document = add_proof(_strip(_foreign_credential(issuer, key)), key, f"{issuer}#key-1")
    verifier = _verifier(settings, database)
    try:
        result = _verify(verifier, document)
    finally:
        verifier.stop()
    assert result["verdict"] == "unchecked"
    reason = _reason(result, "issuer")
    assert "not fetched" in reason and "private, loopback or link-local" in reason, reason
    with pytest.raises(BlockingIOError):
        listening.accept()  # nothing connected to it


def test_a_status_list_elsewhere_than_the_issuers_host_is_not_fetched(
    settings: Settings, database: Database, elsewhere: LiveServer, foreign_credential: dict
) -> None:
    """Only the issuer's DID document, and a status list on its own host, are fetched."""
    host = elsewhere.base_url.removeprefix("http://")
    key = Ed25519PrivateKey.generate()
    issuer = f"did:web:{host.replace(':', '%3A')}:orgs:nobody"
    document = _strip(_foreign_credential(issuer, key))
    document["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "1",
        "statusListCredential": "http://127.0.0.1:9/status",
    }
    document = add_proof(document, key, f"{issuer}#key-1")
    verifier = _verifier(settings, database, verify_fetch_allow_hosts=host)
    try:
        result = _verify(verifier, document)
    finally:
        verifier.stop()
    assert _outcomes(result)["status"] == "unchecked"
    assert "not on the issuer's own host" in _reason(result, "status")
    assert "HTTP 404" in _reason(result, "issuer")
