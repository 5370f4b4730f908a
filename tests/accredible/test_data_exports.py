"""`/v1/data_exports`: create, list, view, and download the files an export's job writes."""

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from plaudit.jobs import export_job
from plaudit.jobs.registry import JobContext, JobHandler, Registry
from plaudit.jobs.worker import Worker
from plaudit.render.builtin import BUILTIN_DESIGNS
from plaudit.services import analytics, data_exports, export_files
from plaudit.services.data_exports import JOB_KIND
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.jobs_tables import PENDING, Job
from plaudit.store.reporting_tables import DataExport, DataExportFile
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue
from tests.accredible.org_helpers import client_for, department_client
from tests.support.jobs import drain, job_of, running_worker
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, make_tenant

Json = dict[str, Any]
THIS_YEAR = datetime.now(UTC).year


@pytest.fixture(autouse=True)
def no_jobs_left_behind(database: Database, settings: Settings) -> Iterator[None]:
    yield
    drain(database, settings)


@pytest.fixture
def worker(database: Database, settings: Settings, live_server: LiveServer) -> Iterator[None]:
    with running_worker(database, settings.model_copy(update={"base_url": live_server.base_url})):
        yield


def request_export(api: httpx.Client, department_id: int, entity: str = "credentials") -> Json:
    response = api.post(
        "/v1/data_exports", json={"data_export": {"entity": entity, "department_id": department_id}}
    )
    assert response.status_code == 201, response.text
    assert_conforms("post", "/v1/data_exports", 201, response.json())
    assert_conforms("post", "/v1/data_exports", 201, response.json()["data_export"])
    return response.json()["data_export"]


def view(api: httpx.Client, export_id: int) -> Json:
    response = api.get(f"/v1/data_exports/{export_id}")
    assert response.status_code == 200, response.text
    assert_conforms("get", "/v1/data_exports/{id}", 200, response.json()["data_export"])
    return response.json()["data_export"]


def completed(api: httpx.Client, export_id: int) -> Json:
    deadline = time.monotonic() + 30
    while (export := view(api, export_id))["status"] != "completed":
        assert time.monotonic() < deadline, f"export {export_id} did not complete: {export}"
        time.sleep(0.05)
    return export


def download(api: httpx.Client, url: str) -> list[dict[str, str]]:
    response = api.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.text)))


def exports_and_jobs(database: Database, organization_id: int) -> tuple[int, int]:
    with database.session() as session:
        exports = session.scalar(
            select(func.count()).where(DataExport.organization_id == organization_id)
        )
        jobs = session.scalar(select(func.count()).where(Job.organization_id == organization_id))
    return exports or 0, jobs or 0


def test_a_new_export_is_scheduled_with_its_job_in_the_same_transaction(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    export = request_export(api, tenant.default_department_id)
    assert export == {
        "id": export["id"],
        "department_id": tenant.default_department_id,
        "entity": "credentials",
        "status": "scheduled",
        "created_at": export["created_at"],
        "urls": [],
    }
    assert datetime.strptime(export["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    job = job_of(database, JOB_KIND, {"data_export_id": export["id"]})
    assert (job.state, job.organization_id) == (PENDING, tenant.organization_id)


def test_the_wrapper_is_optional(api: httpx.Client, tenant: Tenant) -> None:
    response = api.post(
        "/v1/data_exports", json={"entity": "groups", "department_id": tenant.default_department_id}
    )
    assert response.status_code == 201, response.text
    assert response.json()["data_export"]["entity"] == "groups"


def test_a_credentials_export_yields_a_csv_file_to_download(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    tenant: Tenant,
    live_server: LiveServer,
    worker: None,
) -> None:
    group = create_group(api)
    plain = issue(api, group["id"], id="LIC-1")
    hostile = issue(api, group["id"], recipient={"name": '=HYPERLINK("http://evil.example")'})
    export = completed(api, request_export(api, tenant.default_department_id)["id"])

    url = f"{live_server.base_url}/v1/data_exports/{export['id']}/files/{THIS_YEAR}.csv"
    assert export["urls"] == [{"status": "completed", "year": THIS_YEAR, "url": url}]
    rows = download(api, url)
    by_email = {row["recipient_email"]: row for row in rows}
    assert len(rows) == 2
    row = by_email[plain["recipient"]["email"]]
    assert row["id"] == str(plain["id"])  # a CSV cell is text
    assert row["license_id"] == "LIC-1"
    assert row["group_id"] == str(group["id"])
    assert row["group_name"] == group["name"]
    assert row["url"] == plain["url"]
    assert row["issued_on"] == plain["issued_on"]
    assert row["private"] == "false"
    # A spreadsheet shows the hostile name as text instead of running it.
    assert by_email[hostile["recipient"]["email"]]["recipient_name"] == (
        '\'=HYPERLINK("http://evil.example")'
    )

    assert http.get(url).status_code == 401
    assert stranger(http, database).get(url).status_code == 404


def stranger(http: httpx.Client, database: Database) -> httpx.Client:
    """A client of another organization."""
    return client_for(http, make_tenant(database, "Another Academy").api_key)


@pytest.mark.parametrize(
    ("entity", "expected_rows"),
    [
        ("groups", 1),
        ("designs", len(BUILTIN_DESIGNS)),  # every organization starts with the built-in ones
        ("organizations", 1),
        ("credential_analytics", 3),
    ],
)
def test_every_entity_exports(
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    worker: None,
    entity: str,
    expected_rows: int,
) -> None:
    group = create_group(api)
    credential = issue(api, group["id"])
    with database.transaction() as session:
        row = session.get(Credential, int(credential["id"]))
        analytics.record(session, row, "view")
        analytics.record(session, row, "share", channel="linkedin", by_recipient=True)
        analytics.record(session, row, "download")
    export = completed(api, request_export(api, tenant.default_department_id, entity)["id"])
    rows = download(api, export["urls"][0]["url"])
    assert len(rows) == expected_rows
    assert "created_at" in rows[0]
    if entity == "credential_analytics":
        assert {row["credential_id"] for row in rows} == {str(credential["id"])}
        assert sorted(row["kind"] for row in rows) == ["download", "share", "view"]
    if entity == "organizations":
        assert rows[0]["id"] == str(tenant.organization_id)


def test_files_are_split_by_the_year_the_rows_were_created(
    api: httpx.Client, database: Database, tenant: Tenant, worker: None
) -> None:
    group = create_group(api)
    old = issue(api, group["id"])
    issue(api, group["id"])
    with database.transaction() as session:
        session.execute(
            update(Credential)
            .where(Credential.id == int(old["id"]))
            .values(created_at=datetime(2021, 6, 1, tzinfo=UTC))
        )
    export = completed(api, request_export(api, tenant.default_department_id)["id"])
    assert [url["year"] for url in export["urls"]] == [2021, THIS_YEAR]
    first, second = (download(api, url["url"]) for url in export["urls"])
    assert [row["id"] for row in first] == [str(old["id"])]
    assert len(second) == 1


def test_an_export_of_nothing_has_one_file_with_the_header_only(
    api: httpx.Client, tenant: Tenant, worker: None
) -> None:
    export = completed(api, request_export(api, tenant.default_department_id)["id"])
    response = api.get(export["urls"][0]["url"])
    assert response.text.splitlines()[0].startswith("id,license_id,encoded_id,url,")
    assert len(response.text.splitlines()) == 1


def test_a_job_that_runs_again_stores_no_second_copy(
    api: httpx.Client, database: Database, settings: Settings, tenant: Tenant
) -> None:
    issue(api, create_group(api)["id"])
    export = request_export(api, tenant.default_department_id)
    context = JobContext(database, settings, 0, 1, {"data_export_id": export["id"]})
    export_job.run(context)
    export_job.run(context)  # as after a crash between the export's commit and the job's
    # Two runs that both got past their start: the second finds the export completed.
    with database.session(readonly=True) as session:
        spec = export_files.ExportSpec.of(session.get(DataExport, export["id"]))
        names, rows = export_files.read(session, spec, "https://example.org")
        files = export_files.encode(names, rows, spec.year)
    with database.transaction() as session:
        assert not data_exports.complete(session, export["id"], files, now=datetime.now(UTC))
    with database.session() as session:
        count = session.scalar(
            select(func.count()).where(DataExportFile.data_export_id == export["id"])
        )
    assert count == 1
    assert view(api, export["id"])["status"] == "completed"


def test_an_export_whose_job_gives_up_is_errored(
    api: httpx.Client, database: Database, settings: Settings, tenant: Tenant
) -> None:
    def fail(context: JobContext) -> None:
        raise RuntimeError("disk on fire")

    registry = Registry()
    registry.register(JOB_KIND, JobHandler(fail, export_job.give_up))
    export = request_export(api, tenant.default_department_id)
    worker = Worker(database, settings.model_copy(update={"job_max_attempts": 1}), registry)
    while worker.run_once():
        pass
    assert view(api, export["id"])["status"] == "errored"
    assert view(api, export["id"])["urls"] == []


def test_list_shows_the_tenants_exports_newest_first(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    first = request_export(api, tenant.default_department_id, "groups")
    second = request_export(api, tenant.default_department_id, "designs")
    response = api.get("/v1/data_exports")
    assert response.status_code == 200
    assert_conforms("get", "/v1/data_exports", 200, response.json())
    assert [item["id"] for item in response.json()["data_exports"]] == [second["id"], first["id"]]
    assert stranger(http, database).get("/v1/data_exports").json() == {"data_exports": []}


def test_another_tenants_export_does_not_exist(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant
) -> None:
    export = request_export(api, tenant.default_department_id)
    response = stranger(http, database).get(f"/v1/data_exports/{export['id']}")
    assert (response.status_code, response.json()) == (404, {"errors": "Doesn't exist"})


def test_a_department_key_exports_only_its_own_department(
    api: httpx.Client, http: httpx.Client, database: Database, tenant: Tenant, worker: None
) -> None:
    department_id, scoped = department_client(http, database, tenant)
    own_group = create_group(scoped)
    own = issue(scoped, own_group["id"])
    issue(api, create_group(api)["id"])  # in the default department
    org_wide = request_export(api, tenant.default_department_id)

    refused = scoped.post(
        "/v1/data_exports",
        json={"entity": "credentials", "department_id": tenant.default_department_id},
    )
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"department_id": ["is invalid"]}}

    export = completed(scoped, request_export(scoped, department_id)["id"])
    assert [row["id"] for row in download(scoped, export["urls"][0]["url"])] == [str(own["id"])]
    listed = scoped.get("/v1/data_exports").json()["data_exports"]
    assert [item["id"] for item in listed] == [export["id"]]
    assert scoped.get(f"/v1/data_exports/{org_wide['id']}").status_code == 404
    completed(api, org_wide["id"])
    org_file = api.get(f"/v1/data_exports/{org_wide['id']}").json()["data_export"]["urls"][0]
    assert scoped.get(org_file["url"]).status_code == 404
    # The account-wide key sees both departments' exports.
    assert {item["id"] for item in api.get("/v1/data_exports").json()["data_exports"]} == {
        export["id"],
        org_wide["id"],
    }
    scoped.close()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"entity": ["can't be blank"], "department_id": ["can't be blank"]}),
        ({"data_export": {"department_id": "DEPARTMENT"}}, {"entity": ["can't be blank"]}),
        (
            {"data_export": {"entity": "users", "department_id": "DEPARTMENT"}},
            {
                "entity": [
                    "must be one of: organizations, credentials, credential_analytics, "
                    "groups, designs"
                ]
            },
        ),
        (
            {"data_export": {"entity": "credentials", "department_id": "x"}},
            {"department_id": ["is not a number"]},
        ),
        (
            {"data_export": {"entity": "credentials", "department_id": 10**30}},
            {"department_id": ["is invalid"]},
        ),
        (
            {"data_export": {"entity": "credentials", "department_id": 2**63 - 1}},
            {"department_id": ["is invalid"]},
        ),
        (
            {"data_export": {"entity": "credentials", "department_id": "OTHER"}},
            {"department_id": ["is invalid"]},
        ),
        (
            {"data_export": {"entity": "credentials\u0000", "department_id": 1}},
            {"body": ["contains a NUL character"]},
        ),
    ],
)
def test_a_refused_request_writes_nothing(
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    body: Json,
    errors: Json,
) -> None:
    other = make_tenant(database, "Other Academy")
    replacements = {
        "DEPARTMENT": tenant.default_department_id,
        "OTHER": other.default_department_id,
    }
    inner = body.get("data_export", {})
    body = {"data_export": {k: replacements.get(v, v) for k, v in inner.items()}} if inner else body
    response = api.post("/v1/data_exports", json=body)
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": errors}
    assert exports_and_jobs(database, tenant.organization_id) == (0, 0)


def test_a_body_that_is_not_json_is_a_400(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    response = api.post(
        "/v1/data_exports", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()) == (
        400,
        {"errors": "Request body is not valid JSON"},
    )
    assert exports_and_jobs(database, tenant.organization_id) == (0, 0)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/v1/data_exports"),
        ("get", "/v1/data_exports"),
        ("get", "/v1/data_exports/1"),
        ("get", "/v1/data_exports/1/files/2026.csv"),
    ],
)
def test_every_operation_needs_a_key(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(method, path, json={"entity": "credentials", "department_id": 1})
    assert response.status_code == 401
    assert response.text == "HTTP Token: Access denied."
    assert response.headers["www-authenticate"] == 'Token realm="Application"'


@pytest.mark.parametrize(
    "path",
    [
        "/v1/data_exports/999999999",
        "/v1/data_exports/abc",
        "/v1/data_exports/0",
        "/v1/data_exports/-1",
        "/v1/data_exports/99999999999999999999999",
        "/v1/data_exports/999999999/files/2026.csv",
        "/v1/data_exports/abc/files/2026.csv",
    ],
)
def test_unknown_exports_do_not_exist(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert (response.status_code, response.json()) == (404, {"errors": "Doesn't exist"})


def test_files_that_are_not_there_do_not_exist(
    api: httpx.Client, tenant: Tenant, worker: None
) -> None:
    export = completed(api, request_export(api, tenant.default_department_id)["id"])
    for year in ("1999", "abc", "99999999999", str(10**30)):
        response = api.get(f"/v1/data_exports/{export['id']}/files/{year}.csv")
        assert (response.status_code, response.json()) == (404, {"errors": "Doesn't exist"})


def test_a_file_is_not_served_before_the_export_completes(
    api: httpx.Client, tenant: Tenant
) -> None:
    export = request_export(api, tenant.default_department_id)
    response = api.get(f"/v1/data_exports/{export['id']}/files/{THIS_YEAR}.csv")
    assert response.status_code == 404
