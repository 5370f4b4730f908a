"""`POST /verify` answers anyone, so what one submission may cost is bounded whatever is posted:
a baked image is never inflated past a cap, a document with too many JSON values is refused
before anything canonicalizes it, and whatever still takes too long is stopped by killing the
worker process that runs it. Each answer is a verification that failed, saying why, in well
under the time the unbounded work took; the server keeps answering meanwhile."""

import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plaudit.openbadges import keys
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Organization
from tests.openbadges.verify_helpers import issued, signed_json
from tests.support.hostile_inputs import (
    make_verify_json_alignments,
    make_verify_jwt_alignments,
    make_verify_png_bomb,
)
from tests.support.live_server import start_live_server
from tests.support.tenants import Tenant

CONTENT_TYPES = {"json": "application/json", "jwt": "application/vc+jwt"}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _org_key(database: Database, settings: Settings, tenant: Tenant) -> Ed25519PrivateKey:
    """The tenant's signing key, as the live server (same data directory) unlocks it."""
    with database.transaction() as session:
        organization = session.get(Organization, tenant.organization_id)
        assert organization is not None
        return keys.active_key(session, organization, server_secret(settings)).private_key


def _hostile(
    api: httpx.Client, http: httpx.Client, database: Database, settings: Settings, tenant: Tenant
) -> dict[str, bytes]:
    """A credential the live server issued, re-signed by its organization with 5,000
    alignments, in both proof formats; the original verifies (and warms the worker pool)."""
    document = signed_json(http, issued(api)["encoded_id"])
    assert _post(http, document)["valid"] is True
    key = _org_key(database, settings, tenant)
    method = document["proof"][0]["verificationMethod"]
    return {
        "json": make_verify_json_alignments(document, key, method),
        "jwt": make_verify_jwt_alignments(document, key, method),
    }


def _post(http: httpx.Client, document: dict[str, Any]) -> dict[str, Any]:
    response = http.post("/verify", json=document)
    assert response.status_code == 200, response.text
    return response.json()


@contextmanager
def _health_watch(base_url: str) -> Iterator[list[float]]:
    """Polls GET /healthz until the block ends; yields the list of its answer times."""
    times: list[float] = []
    done = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            while not done.is_set():
                started = time.monotonic()
                assert client.get("/healthz").status_code == 200
                times.append(time.monotonic() - started)
                done.wait(0.05)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield times
    finally:
        done.set()
        thread.join(timeout=15)


def _timed_post(client: httpx.Client, body: bytes, content_type: str) -> tuple[float, Any]:
    started = time.monotonic()
    response = client.post("/verify", content=body, headers={"Content-Type": content_type})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return elapsed, response.json()


@pytest.mark.parametrize("upload", ["body", "form"])
def test_a_png_zip_bomb_is_refused_promptly_without_being_inflated(
    http: httpx.Client, upload: str
) -> None:
    bomb = make_verify_png_bomb()
    assert http.post("/verify", json={}).status_code == 200  # the workers are up
    before = _peak_rss_mib()
    started = time.monotonic()
    if upload == "body":
        response = http.post("/verify", content=bomb, headers={"Content-Type": "image/png"})
    else:
        response = http.post("/verify", files={"file": ("badge.png", bomb, "image/png")})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["valid"] is False and result["checks"] == []
    assert "the baked credential is larger than" in result["errors"][0]
    assert elapsed < 2, elapsed
    assert _peak_rss_mib() - before < 64  # 256 MiB were never inflated here


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_genuine_credential_with_5000_alignments_is_refused_at_once(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    live_server,
    form: str,
) -> None:
    body = _hostile(api, http, database, settings, tenant)[form]
    with _health_watch(live_server.base_url) as health:
        elapsed, result = _timed_post(http, body, CONTENT_TYPES[form])
        time.sleep(0.2)  # at least one health answer, however fast the refusal was
    assert elapsed < 1, elapsed
    assert result["valid"] is False and result["checks"] == []
    assert result["errors"][0].startswith("too large to verify: more than 5000 JSON values")
    assert health and max(health) < 1, health


def test_verification_past_its_time_budget_is_stopped(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    settings: Settings,
    tenant: Tenant,
) -> None:
    """With the value bound lifted, the same credential would keep pyld busy for half a minute:
    the worker running it is killed at the time budget, and the next one answers as before."""
    body = _hostile(api, http, database, settings, tenant)["json"]
    lenient = settings.model_copy(
        update={"verify_max_nodes": 1_000_000, "verify_timeout_seconds": 1.0}
    )
    server = start_live_server(lenient, database)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            assert client.post("/verify", json={}).status_code == 200  # the workers are up
            with _health_watch(server.base_url) as health:
                elapsed, result = _timed_post(client, body, "application/json")
            assert result["valid"] is False and result["checks"] == []
            assert result["errors"] == [
                "took longer than 1 second to verify: too large or too intricate"
            ]
            assert elapsed < 3, elapsed
            assert len(health) >= 5 and max(health) < 1, health
            again = client.post("/verify", json={"validFrom": "2020-01-01T00:00:00Z"})
            assert [check["name"] for check in again.json()["checks"]][:2] == ["proof", "issuer"]
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b'{"a":' * 40 + b"1" + b"}" * 40, "application/json", "nested deeper than 32 levels"),
        (b'{"a": [' + b"0," * 6000 + b"0]}", "application/json", "more than 5000 JSON values"),
    ],
)
def test_documents_past_the_bounds_are_refused(
    http: httpx.Client, body: bytes, content_type: str, message: str
) -> None:
    _, result = _timed_post(http, body, content_type)
    assert result["valid"] is False and result["checks"] == []
    assert result["errors"] == [f"too large to verify: {message}"]
