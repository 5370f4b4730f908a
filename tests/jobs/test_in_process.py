"""The worker inside the server process: on by default, stopped on shutdown, and disableable."""

import time

import httpx
import pytest

from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.support.live_server import start_live_server
from tests.support.tenants import Tenant


def _start_export(base_url: str, tenant: Tenant) -> tuple[httpx.Client, int]:
    client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Token token={tenant.api_key}"}, timeout=30
    )
    response = client.post(
        "/v1/data_exports",
        json={"entity": "groups", "department_id": tenant.default_department_id},
    )
    assert response.status_code == 201, response.text
    return client, response.json()["data_export"]["id"]


def test_the_server_runs_jobs_itself_by_default_and_stops_its_worker_on_shutdown(
    database: Database, settings: Settings, tenant: Tenant
) -> None:
    assert Settings.model_fields["worker_in_process"].default is True
    server = start_live_server(
        settings.model_copy(update={"worker_in_process": True, "job_poll_seconds": 0.05}),
        database,
    )
    try:
        client, export_id = _start_export(server.base_url, tenant)
        deadline = time.monotonic() + 30
        while client.get(f"/v1/data_exports/{export_id}").json()["data_export"]["status"] != (
            "completed"
        ):
            assert time.monotonic() < deadline, "the in-process worker did not run the export"
            time.sleep(0.05)
        client.close()
        worker = server.server.config.app.state.worker
        assert worker.is_alive()
    finally:
        server.stop()
    assert not worker.is_alive()


def test_the_in_process_worker_can_be_turned_off(
    database: Database, settings: Settings, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAUDIT_WORKER_IN_PROCESS", "false")
    assert Settings().worker_in_process is False
    server = start_live_server(settings.model_copy(update={"worker_in_process": False}), database)
    try:
        client, export_id = _start_export(server.base_url, tenant)
        time.sleep(0.5)
        assert client.get(f"/v1/data_exports/{export_id}").json()["data_export"]["status"] == (
            "scheduled"
        )
        client.close()
        assert not hasattr(server.server.config.app.state, "worker")
    finally:
        server.stop()
