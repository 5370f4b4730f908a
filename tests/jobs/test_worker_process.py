"""`plaudit worker` processes: an export whose worker is killed half-way completes once."""

import csv
import io
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

from plaudit.services.data_exports import JOB_KIND
from plaudit.store.db import Database
from plaudit.store.jobs_tables import DONE, RUNNING
from plaudit.store.reporting_tables import DataExportFile
from tests.accredible.helpers import create_group, issue
from tests.support.jobs import job_of, wait_for, worker_process
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant

BASE_URL = "https://credentials.example.org"


def export_status(api: httpx.Client, export_id: int) -> dict:
    response = api.get(f"/v1/data_exports/{export_id}")
    assert response.status_code == 200, response.text
    assert_conforms("get", "/v1/data_exports/{id}", 200, response.json()["data_export"])
    return response.json()["data_export"]


def test_an_export_survives_the_kill_of_its_worker_and_completes_once(
    api: httpx.Client, database: Database, database_url: str, tenant: Tenant, tmp_path: Path
) -> None:
    group = create_group(api)
    issued = [issue(api, group["id"])["recipient"]["email"] for _ in range(3)]
    response = api.post(
        "/v1/data_exports",
        json={
            "data_export": {"entity": "credentials", "department_id": tenant.default_department_id}
        },
    )
    assert response.status_code == 201, response.text
    export_id = response.json()["data_export"]["id"]
    payload = {"data_export_id": export_id}

    # The first worker claims the job, reads the first row, and is killed right there.
    marker = tmp_path / "half-way"
    doomed = worker_process(
        database_url,
        tmp_path,
        sys.executable,
        "-m",
        "tests.support.dying_worker",
        DYING_WORKER_MARKER=str(marker),
        PLAUDIT_BASE_URL=BASE_URL,
    )
    try:
        wait_for(marker.exists, what="the first worker to reach the middle of the export")
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)
    job = job_of(database, JOB_KIND, payload)
    assert (job.state, job.attempts) == (RUNNING, 1)
    first_worker = job.locked_by
    assert export_status(api, export_id)["status"] == "processing"
    assert export_status(api, export_id)["urls"] == []

    # Another worker takes the job over once the dead one's lease has run out.
    survivor = worker_process(database_url, tmp_path, PLAUDIT_BASE_URL=BASE_URL)
    try:
        wait_for(
            lambda: export_status(api, export_id)["status"] == "completed",
            what="the export to complete",
        )
    finally:
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(timeout=30) == 0  # a clean stop

    job = job_of(database, JOB_KIND, payload)
    assert (job.state, job.attempts) == (DONE, 2)
    assert job.locked_by not in (None, first_worker)
    with database.session() as session:
        files = session.scalar(
            select(func.count()).where(DataExportFile.data_export_id == export_id)
        )
    assert files == 1

    export = export_status(api, export_id)
    year = datetime.now(UTC).year
    assert [(url["status"], url["year"]) for url in export["urls"]] == [("completed", year)]
    download = api.get(export["urls"][0]["url"])
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert sorted(row["recipient_email"] for row in rows) == sorted(issued)
    assert all(row["url"].startswith(f"{BASE_URL}/c/") for row in rows)
