"""`POST /v1/credentials/generate_single_pdf/{id}` and `POST /v1/credentials/generate_pdf`."""

import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from plaudit.services import pdf_bundles
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.jobs_tables import Job
from plaudit.store.render_tables import PdfBundle
from tests.accredible.helpers import create_group, issue
from tests.support.jobs import drain
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_conforms
from tests.support.tenants import make_tenant

SINGLE = "/v1/credentials/generate_single_pdf/{id}"
BUNDLE = "/v1/credentials/generate_pdf"
Json = dict[str, Any]


@pytest.fixture(autouse=True)
def no_jobs_left_behind(database: Database, settings: Settings) -> Iterator[None]:
    yield
    drain(database, settings)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        return pdf.decode("latin-1")  # the content streams still hold the text, compressed
    path = tmp_path / "file.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())


def test_single_pdf_returns_a_link_to_the_pdf(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer, tmp_path: Path
) -> None:
    credential = issue(api, create_group(api, course_name="Knots")["id"], private=True)
    response = api.post(SINGLE.format(id=credential["id"]))
    assert response.status_code == 200, response.text
    assert_conforms("post", SINGLE, 200, response.json())
    link = response.json()["file"]
    assert link.startswith(f"{live_server.base_url}/c/{credential['encoded_id']}/certificate.pdf")
    pdf = http.get(link)  # the link opens a private credential's PDF
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Knots" in pdf_text(pdf.content, tmp_path)
    by_encoded_id = api.post(SINGLE.format(id=credential["encoded_id"]))
    assert by_encoded_id.json() == response.json()


def test_single_pdf_of_unknown_unpublished_or_foreign_credentials_is_not_found(
    api: httpx.Client, database: Database, live_server: LiveServer
) -> None:
    assert api.post(SINGLE.format(id="99999999")).status_code == 404
    draft = issue(api, create_group(api)["id"], approve=False)
    response = api.post(SINGLE.format(id=draft["id"]))
    assert response.status_code == 404
    assert response.json() == {"errors": "Doesn't exist"}
    other = make_tenant(database)
    headers = {"Authorization": f"Token token={other.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as stranger:
        assert stranger.post(SINGLE.format(id=draft["id"])).status_code == 404
    assert (
        httpx.post(live_server.base_url + SINGLE.format(id=draft["id"]), timeout=30).status_code
        == 401
    )


def test_bundle_is_a_zip_of_the_pdfs_asked_for(
    api: httpx.Client, http: httpx.Client, tmp_path: Path
) -> None:
    group = create_group(api, course_name="Bundled Course")
    names = ["Ada Lovelace", "Grace Hopper", "Katherine Johnson"]
    issued = [issue(api, group["id"], recipient={"name": name}) for name in names]
    ids = [credential["id"] for credential in issued]
    response = api.post(BUNDLE, json={"credential_ids": [*ids, ids[0]]})
    assert response.status_code == 200, response.text
    assert_conforms("post", BUNDLE, 200, response.json())
    link = response.json()["file"]
    assert link.endswith(".zip")

    download = http.get(link)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert "content-length" not in download.headers  # streamed
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [f"{id}.pdf" for id in ids]
        for name, entry in zip(names, archive.namelist(), strict=True):
            text = pdf_text(archive.read(entry), tmp_path)
            assert name in text and "Bundled Course" in text
    assert http.get(link).content == download.content  # the same zip, byte for byte


@pytest.mark.parametrize(
    "body",
    [{}, {"credential_ids": []}, {"credential_ids": ["abc"]}, {"credential_ids": "1"}],
)
def test_bundle_refuses_bad_lists(api: httpx.Client, body: Json) -> None:
    response = api.post(BUNDLE, json=body)
    assert response.status_code == 422, response.text
    assert "credential_ids" in response.json()["errors"]


def test_bundle_refuses_unknown_and_foreign_ids(
    api: httpx.Client, database: Database, live_server: LiveServer
) -> None:
    mine = issue(api, create_group(api)["id"])
    response = api.post(BUNDLE, json={"credential_ids": [mine["id"], "99999999"]})
    assert response.status_code == 422
    assert response.json() == {"errors": {"credential_ids": ["is invalid"]}}
    other = make_tenant(database)
    headers = {"Authorization": f"Token token={other.api_key}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as stranger:
        assert stranger.post(BUNDLE, json={"credential_ids": [mine["id"]]}).status_code == 422


def test_unknown_bundle_links_are_not_found(http: httpx.Client) -> None:
    assert http.get("/files/pdf-bundles/not-a-uuid.zip").status_code == 404
    missing = "/files/pdf-bundles/00000000-0000-4000-8000-000000000000.zip"
    assert http.get(missing).status_code == 404


def test_large_bundle_runs_as_a_job(
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    settings: Settings,
    live_server: LiveServer,
    tenant: Any,
) -> None:
    group = create_group(api)
    count = settings.pdf_bundle_sync_max + 1
    rows = [
        {
            "recipient": {"name": f"Learner {n}", "email": f"bulk-{n}@example.com"},
            "group_id": group["id"],
        }
        for n in range(count)
    ]
    ids = []
    for start in range(0, count, 30):  # bulk creation takes 30 at a time
        created = api.post(
            "/v2/credentials/bulk_create", json={"credentials": rows[start : start + 30]}
        )
        assert created.status_code == 200, created.text
        ids += [item["credential"]["id"] for item in created.json()["results"]]
    assert len(ids) == count

    response = api.post(BUNDLE, json={"credential_ids": ids})
    assert response.status_code == 200, response.text
    assert_conforms("post", BUNDLE, 200, response.json())
    link = response.json()["file"]
    pending = http.get(link)
    assert pending.status_code == 202
    assert pending.headers["retry-after"] == "5"
    with database.session() as session:
        bundle = session.scalar(
            select(PdfBundle).where(PdfBundle.organization_id == tenant.organization_id)
        )
        assert bundle.status == pdf_bundles.SCHEDULED
        assert session.scalar(
            select(Job).where(
                Job.kind == pdf_bundles.JOB_KIND,
                Job.payload["pdf_bundle_id"].as_integer() == bundle.id,
            )
        )

    drain(database, settings.model_copy(update={"base_url": live_server.base_url}))
    ready = http.get(link)
    assert ready.status_code == 200
    with zipfile.ZipFile(io.BytesIO(ready.content)) as archive:
        assert len(archive.namelist()) == count
        assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
