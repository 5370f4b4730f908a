"""`/dashboard/imports`: issuing from a CSV or XLSX file. Upload, map, check every row (errors
per row and cell, and as a CSV), then issue in the background with a worker of this module;
a crash half-way issues each row once all the same; roles and tenants hold."""

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, update

from plaudit.domain import import_mapping
from plaudit.domain.scope import Scope
from plaudit.jobs import import_job
from plaudit.services import issuance, spreadsheet_imports
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import DashboardImport
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group
from tests.support.dashboard import Member, form_token, make_member, signed_in_client
from tests.support.jobs import running_worker, wait_for
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

NEW = "/dashboard/imports/new"
HEADER = ["Name", "Email", "Issue date", "Cohort"]
_IMPORT_URL = re.compile(r"^/dashboard/imports/([0-9a-f-]{36})$")


@pytest.fixture(scope="module")
def worker(database: Database, settings: Settings, live_server: LiveServer) -> Iterator[None]:
    """The shared server runs no worker: this one runs the import jobs (retrying at once)."""
    worker_settings = settings.model_copy(
        update={"base_url": live_server.base_url, "job_retry_seconds": 0.05}
    )
    with running_worker(database, worker_settings):
        yield


@dataclass(frozen=True)
class Setup:
    owner: Member
    group_id: int


@pytest.fixture
def setup(database: Database, tenant: Tenant, api: httpx.Client) -> Setup:
    owner = make_member(database, tenant.organization_id, "owner")
    return Setup(owner, int(create_group(api)["id"]))


def people(count: int, prefix: str) -> list[list[str]]:
    return [
        [f"Learner {index}", f"{prefix}-{index}@example.org", "2026-03-01", f"C{index % 7}"]
        for index in range(count)
    ]


def csv_file(rows: list[list[str]]) -> tuple[str, bytes, str]:
    """As a spreadsheet saves "CSV UTF-8" in a semicolon locale: a BOM and semicolons."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([HEADER, *rows])
    return "learners.csv", b"\xef\xbb\xbf" + out.getvalue().encode(), "text/csv"


def xlsx_file(rows: list[list[str]]) -> tuple[str, bytes, str]:
    """A workbook whose dates are date cells, as a spreadsheet keeps them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for name, email, issued, cohort in rows:
        try:
            issued_cell: object = date.fromisoformat(issued)
        except ValueError:
            issued_cell = issued
        sheet.append([name, email, issued_cell, cohort])
    out = io.BytesIO()
    workbook.save(out)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "learners.xlsx", out.getvalue(), kind


def upload(client: httpx.Client, group_id: int, file: tuple[str, bytes, str]) -> httpx.Response:
    token = form_token(client, NEW)
    return client.post(
        NEW,
        data={"csrf_token": token, "achievement_id": str(group_id)},
        files={"file": file},
    )


def uploaded(client: httpx.Client, group_id: int, file: tuple[str, bytes, str]) -> str:
    """The new import's UUID."""
    answer = upload(client, group_id, file)
    assert answer.status_code == 303, answer.text
    found = _IMPORT_URL.match(answer.headers["location"])
    assert found is not None, answer.headers["location"]
    return found.group(1)


def guessed_mapping(cohort_as: str = "custom") -> dict[str, str]:
    """The form as the header names fill it in, with the fourth column as an attribute."""
    return {
        "use_0": "recipient_name",
        "use_1": "recipient_email",
        "use_2": "issued_on",
        "use_3": cohort_as,
        "attribute_3": "Cohort",
    }


def check(client: httpx.Client, ref: str) -> httpx.Response:
    page = f"/dashboard/imports/{ref}"
    data = {"csrf_token": form_token(client, page), "action": "check", **guessed_mapping()}
    answer = client.post(f"{page}/mapping", data=data)
    assert answer.status_code == 303, answer.text
    return client.get(page)


def issue_and_wait(client: httpx.Client, ref: str) -> dict[str, Any]:
    page = f"/dashboard/imports/{ref}"
    answer = client.post(f"{page}/issue", data={"csrf_token": form_token(client, page)})
    assert answer.status_code == 303, answer.text
    progress: dict[str, Any] = {}

    def finished() -> bool:
        progress.update(client.get(f"{page}/progress.json").json())
        return bool(progress["finished"])

    wait_for(finished, timeout=300, what="the import to finish")
    return progress


def credentials_of(database: Database, group_id: int) -> list[tuple[int, str]]:
    with database.session(readonly=True) as session:
        return [
            (row.id, row.recipient_email)
            for row in session.execute(
                select(Credential.id, Credential.recipient_email).where(
                    Credential.achievement_id == group_id
                )
            )
        ]


def import_row(database: Database, ref: str) -> DashboardImport:
    with database.session(readonly=True) as session:
        found = session.scalar(select(DashboardImport).where(DashboardImport.uuid == _uuid(ref)))
        assert found is not None
        return found


def _uuid(ref: str) -> Any:
    from uuid import UUID

    return UUID(ref)


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_bad_row_is_reported_then_the_fixed_file_issues_every_row_once(
    database: Database, live_server: LiveServer, setup: Setup, worker: None, make_file: Any
) -> None:
    rows = people(1000, f"learner-{make_file.__name__}")
    bad = [*rows[:499], ["Learner 499", "not-an-email", "2026-03-01", "C1"], *rows[500:]]
    with signed_in_client(live_server.base_url, setup.owner) as client:
        ref = uploaded(client, setup.group_id, make_file(bad))
        mapping_page = client.get(f"/dashboard/imports/{ref}")
        assert mapping_page.status_code == 200
        assert '<option value="recipient_email" selected>' in mapping_page.text  # guessed
        assert "Learner 0" in mapping_page.text  # the preview's first row

        checked = check(client, ref)
        assert "1 error in 1 row" in checked.text
        # Row 501 of the spreadsheet: the header is row 1, so the 500th person is row 501.
        assert re.search(
            r"<th scope=\"row\">501</th><td>Email</td><td>is invalid</td>", checked.text
        )
        assert "Issue 1000 credentials" not in checked.text
        refused = client.post(
            f"/dashboard/imports/{ref}/issue",
            data={"csrf_token": form_token(client, f"/dashboard/imports/{ref}")},
        )
        assert refused.status_code == 409

        errors = client.get(f"/dashboard/imports/{ref}/errors.csv")
        assert errors.status_code == 200
        assert errors.headers["content-type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(errors.content.decode("utf-8-sig"))))
        assert lines[0] == [*HEADER, "error"]
        assert len(lines) == 1001
        assert lines[500][:2] == ["Learner 499", "not-an-email"]
        assert lines[500][4] == "Email: is invalid"
        assert [line[4] for line in lines[1:] if line[4]] == ["Email: is invalid"]
        assert credentials_of(database, setup.group_id) == []  # nothing issued

        fixed = uploaded(client, setup.group_id, make_file(rows))
        passed = check(client, fixed)
        assert "Every one of the 1000 rows passed." in passed.text
        progress = issue_and_wait(client, fixed)
        assert progress["state"] == "done"
        assert (progress["done"], progress["failed"], progress["total"]) == (1000, 0, 1000)

        summary = client.get(f"/dashboard/imports/{fixed}")
        assert "1000 credentials issued" in summary.text
        assert f"/dashboard/credentials?achievement={setup.group_id}" in summary.text
    issued = credentials_of(database, setup.group_id)
    assert len(issued) == 1000
    assert sorted(email for _, email in issued) == sorted(row[1] for row in rows)
    found = import_row(database, fixed)
    assert sorted(found.credential_ids or []) == sorted(id for id, _ in issued)
    with database.session(readonly=True) as session:
        one = session.get(Credential, issued[0][0])
        assert one is not None
        assert one.issued_on == date(2026, 3, 1)
        assert set((one.custom_attributes or {}).keys()) == {"Cohort"}


def test_duplicates_in_the_file_and_in_the_achievement_are_errors(
    live_server: LiveServer, setup: Setup, api: httpx.Client
) -> None:
    rows = people(spreadsheet_imports.CHECK_CHUNK + 500, "duplicate")
    rows[-1][1] = rows[0][1].upper()  # the same email, in a later chunk of the check
    rows[1][1] = rows[2][1]  # the same email, next to each other
    issued = api.post(
        "/v1/credentials",
        json={
            "credential": {
                "group_id": setup.group_id,
                "recipient": {"name": "Earlier", "email": rows[5][1]},
            }
        },
    )
    assert issued.status_code == 200, issued.text
    with signed_in_client(live_server.base_url, setup.owner) as client:
        checked = check(client, uploaded(client, setup.group_id, csv_file(rows)))
    assert "3 errors in 3 rows" in checked.text
    taken = "has already received a credential in this group"
    last = len(rows) + 1
    for row, message in (
        (4, f"{taken} (row 3 of this file has the same email)"),
        (7, taken),
        (last, f"{taken} (row 2 of this file has the same email)"),
    ):
        assert f'<th scope="row">{row}</th><td>Email</td><td>{message}</td>' in checked.text


class _CrashingIssuance:
    """services/issuance as the worker's import job sees it, except that the second batch's
    first write dies after writing (before its commit), and the third batch's preparation
    dies the second time it is prepared (the first one, made while the second batch was
    being written, went with that crash). Other threads (the live server's pages) get the
    real one."""

    def __init__(self, third_batch_email: str) -> None:
        self.third_batch_email = third_batch_email
        self.writes = 0
        self.third_batch_prepared = 0

    def prepare(self, session: Any, scope: Any, items: Any, **kwargs: Any) -> Any:
        worker = threading.current_thread().name.startswith("plaudit-import")
        if worker and items and items[0].recipient.email == self.third_batch_email:
            self.third_batch_prepared += 1
            if self.third_batch_prepared == 2:
                raise RuntimeError("the worker died between two batches")
        return issuance.prepare(session, scope, items, **kwargs)

    def write(self, *args: Any, **kwargs: Any) -> Any:
        written = issuance.write(*args, **kwargs)
        if threading.current_thread().name == "plaudit-worker":
            self.writes += 1
            if self.writes == 2:
                raise RuntimeError("the worker died in the middle of a batch")
        return written


def test_a_crash_half_way_resumes_and_issues_each_row_exactly_once(
    database: Database,
    live_server: LiveServer,
    api: httpx.Client,
    tenant: Tenant,
    worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner = make_member(database, tenant.organization_id, "owner")
    # Duplicates allowed: the achievement's rule cannot stop a row issued twice; the import's
    # committed position must.
    group_id = int(create_group(api, allow_duplicate_credentials=True)["id"])
    total = 2 * import_job.BATCH + 100
    rows = people(total, "crash")
    crashing = _CrashingIssuance(rows[2 * import_job.BATCH][1])
    monkeypatch.setattr(spreadsheet_imports, "issuance", crashing)
    monkeypatch.setattr(import_job, "issuance", crashing)
    with signed_in_client(live_server.base_url, owner) as client:
        ref = uploaded(client, group_id, csv_file(rows))
        check(client, ref)
        progress = issue_and_wait(client, ref)
    # Both crashes happened: batches 1, 2 (died), 2 again, 3 written; batch 3 prepared thrice.
    assert (crashing.writes, crashing.third_batch_prepared) == (4, 3)
    assert (progress["done"], progress["failed"], progress["state"]) == (total, 0, "done")
    issued = credentials_of(database, group_id)
    assert len(issued) == total
    assert len({email for _, email in issued}) == total  # each row once
    found = import_row(database, ref)
    assert sorted(found.credential_ids or []) == sorted(id for id, _ in issued)

    # A run that outlived its lease wakes up with the first batch prepared: it writes nothing.
    with database.transaction() as session:
        session.execute(
            update(DashboardImport).where(DashboardImport.id == found.id).values(state="issuing")
        )
    first = [(index, rows[index]) for index in range(3)]
    items = [
        import_mapping.credential_fields(row, found.mapping or {}, group_id) for _, row in first
    ]
    with database.session(readonly=True) as session:
        scope = Scope(tenant.organization_id)
        prepared = issuance.prepare(session, scope, items, today=date.today(), signer=None)
    with database.transaction() as session:
        assert not spreadsheet_imports.write_batch(session, found.id, 0, first, prepared)
    assert len(credentials_of(database, group_id)) == total


def test_a_viewer_can_look_but_its_posts_are_refused(
    database: Database, live_server: LiveServer, setup: Setup, tenant: Tenant
) -> None:
    viewer = make_member(database, tenant.organization_id, "viewer")
    file = csv_file(people(3, "viewer"))
    with signed_in_client(live_server.base_url, setup.owner) as client:
        ref = uploaded(client, setup.group_id, file)
    with signed_in_client(live_server.base_url, viewer) as client:
        page = f"/dashboard/imports/{ref}"
        assert client.get(page).status_code == 200
        assert client.get(f"{page}/progress.json").json()["state"] == "uploaded"
        assert client.get(NEW).status_code == 403
        token = form_token(client, page)
        data = {"csrf_token": token, "achievement_id": str(setup.group_id)}
        assert client.post(NEW, data=data, files={"file": file}).status_code == 403
        mapping = {"csrf_token": token, "action": "check", **guessed_mapping()}
        assert client.post(f"{page}/mapping", data=mapping).status_code == 403
        assert client.post(f"{page}/issue", data={"csrf_token": token}).status_code == 403
        assert "/dashboard/imports/new" not in client.get("/dashboard/imports").text
    found = import_row(database, ref)
    assert (found.state, found.row_errors) == ("uploaded", None)
    with database.session(readonly=True) as session:
        count = session.scalar(
            select(func.count())
            .select_from(DashboardImport)
            .where(DashboardImport.organization_id == tenant.organization_id)
        )
    assert count == 1


def test_another_organizations_import_is_not_found(
    database: Database, live_server: LiveServer, setup: Setup
) -> None:
    from tests.support.tenants import make_tenant

    other = make_member(database, make_tenant(database, "Other").organization_id, "owner")
    with signed_in_client(live_server.base_url, setup.owner) as client:
        ref = uploaded(client, setup.group_id, csv_file(people(2, "tenant")))
    with signed_in_client(live_server.base_url, other) as client:
        page = f"/dashboard/imports/{ref}"
        token = form_token(client, NEW)
        for path in (page, f"{page}/progress.json", f"{page}/errors.csv"):
            assert client.get(path).status_code == 404, path
        mapping = {"csrf_token": token, "action": "check", **guessed_mapping()}
        assert client.post(f"{page}/mapping", data=mapping).status_code == 404
        assert client.post(f"{page}/issue", data={"csrf_token": token}).status_code == 404
        assert client.get("/dashboard/imports/not-a-uuid").status_code == 404
        # Its achievement cannot be imported into either.
        answer = upload(client, setup.group_id, csv_file(people(2, "tenant")))
        assert answer.status_code == 422
        assert "Choose an achievement from the list." in answer.text
    assert import_row(database, ref).state == "uploaded"


LATIN_1 = "Name,Email\nJos\u00e9,j@example.org\n".encode("latin-1")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (("learners.txt", b"Name,Email\nA,a@example.org\n", "text/plain"), "Upload a .csv"),
        (("learners.xlsx", b"PK\x03\x04 not a workbook", "application/zip"), "cannot be read"),
        (("learners.csv", LATIN_1, "text/csv"), "not UTF-8"),
        (("learners.csv", b"Name,Email\n", "text/csv"), "no rows below it"),
    ],
    ids=["wrong-type", "broken-xlsx", "latin-1", "header-only"],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_message(
    live_server: LiveServer, setup: Setup, file: tuple[str, bytes, str], message: str
) -> None:
    with signed_in_client(live_server.base_url, setup.owner) as client:
        answer = upload(client, setup.group_id, file)
    assert answer.status_code == 422
    assert message in answer.text
    assert 'aria-describedby="file-hint file-error"' in answer.text


def test_an_oversized_file_or_too_many_rows_is_refused(
    live_server: LiveServer, setup: Setup, settings: Settings
) -> None:
    limit = settings.dashboard_import_max_bytes
    header = b"Name,Email\n"
    oversized = header + b"x" * (limit + 1 - len(header))
    many = header + b"A,a@example.org\n" * (settings.dashboard_import_max_rows + 1)
    with signed_in_client(live_server.base_url, setup.owner) as client:
        too_large = upload(client, setup.group_id, ("big.csv", oversized, "text/csv"))
        assert too_large.status_code == 422
        assert "The file is larger than 10.0 MB" in too_large.text
        too_long = upload(client, setup.group_id, ("long.csv", many, "text/csv"))
        assert too_long.status_code == 422
        assert "more than 50,000 rows" in too_long.text
