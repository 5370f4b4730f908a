"""Server-wide behaviour: health, the published OpenAPI document, request ids."""

from pathlib import Path

import httpx

from plaudit.dashboard import passwords
from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.support.live_server import start_live_server


def test_healthz(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_reports_a_database_that_is_down(tmp_path: Path) -> None:
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    server = start_live_server(Settings(data_dir=tmp_path), unreachable)
    try:
        response = httpx.get(f"{server.base_url}/healthz", timeout=30)
    finally:
        server.stop()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_the_sign_in_decoy_is_made_at_start_up(tmp_path: Path, database: Database) -> None:
    # Made on first use otherwise: the first sign-in with an unknown email would pay twice.
    passwords._decoy_of.cache_clear()
    server = start_live_server(Settings(data_dir=tmp_path, worker_in_process=False), database)
    try:
        assert passwords._decoy_of.cache_info().currsize == 1
    finally:
        server.stop()


def test_openapi_document_and_docs(http: httpx.Client) -> None:
    document = http.get("/openapi.json").json()
    assert "/v1/credentials" in document["paths"]
    assert "/v1/issuer/groups/{group_id}" in document["paths"]
    docs = http.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert http.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_request_id_header(http: httpx.Client) -> None:
    generated = http.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    assert http.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == (
        "abc-123"
    )
    hostile = http.get("/healthz", headers={"X-Request-ID": "a\tb c"}).headers["x-request-id"]
    assert hostile != "a\tb c"
