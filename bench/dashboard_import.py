"""Benchmark: issuing from a spreadsheet through the dashboard, against v1 bulk_create.

The script starts a throw-away `plaudit serve` (its own temporary data directory, SQLite unless
--database-url names another database; its in-process worker runs the import's job), becomes
the organization's first owner through the link `plaudit init` prints, and drives the import
as a browser does: upload a CSV of --rows recipients (`/dashboard/imports/new`), map its columns
and check every row (`/dashboard/imports/{uuid}/mapping`, the validation), issue, and poll
`progress.json` until the import is done (the issuing). Then, on the same server, it issues as
many credentials through `POST /v1/credentials/bulk_create` the way bench/issue_credentials.py
does (100 a request, --concurrency connections), for comparison.

    .venv/bin/python bench/dashboard_import.py --rows 10000

stdout gets one line of JSON: rows, seconds for the upload, the validation and the issuing,
credentials per second of the import, and of bulk_create in the same run. Progress and errors
go to stderr; the exit status is non-zero if anything failed.
"""

import argparse
import asyncio
import csv
import io
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from issue_credentials import (
    REQUEST_TIMEOUT_SECONDS,
    database_label,
    log,
    plaudit_init,
    run,
    run_load,
    server_environment,
    serving,
)

BULK_BATCH = 100
POLL_SECONDS = 0.2
PASSWORD = "bench password, long enough"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
_IMPORT = re.compile(r"/dashboard/imports/([0-9a-f-]{36})$")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="Rows of the spreadsheet.")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="Connections of the bulk_create comparison."
    )
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL; default: SQLite in a temp dir."
    )
    args = parser.parse_args()
    if args.rows < 1 or args.concurrency < 1:
        parser.error("--rows and --concurrency must be at least 1")
    return args


def spreadsheet(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Email", "Issue date", "Cohort"])
    for index in range(rows):
        writer.writerow([f"Learner {index}", f"import-{index}@example.com", "2026-03-01", "A"])
    return out.getvalue().encode()


def form_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    found = _CSRF.search(page.text)
    if page.status_code != 200 or found is None:
        raise RuntimeError(f"GET {path}: HTTP {page.status_code}, no form token")
    return found.group(1)


def expect(response: httpx.Response, status: int, what: str) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(f"{what}: HTTP {response.status_code}: {response.text[:300]}")
    return response


def become_owner(client: httpx.Client, owner_link: str) -> None:
    """Follows the first owner's link: the client is signed in as the new owner."""
    form = {
        "name": "Bench Owner",
        "email": "owner@example.com",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    expect(client.post(httpx.URL(owner_link).path, data=form), 303, "becoming the owner")


def import_rows(client: httpx.Client, group_id: int, rows: int) -> dict[str, float]:
    """Upload, map and check, issue, and wait: the seconds of each step."""
    new = "/dashboard/imports/new"
    data = {"csrf_token": form_token(client, new), "achievement_id": str(group_id)}
    started = time.perf_counter()
    files = {"file": ("learners.csv", spreadsheet(rows), "text/csv")}
    uploaded = expect(client.post(new, data=data, files=files), 303, "upload")
    upload_seconds = time.perf_counter() - started
    found = _IMPORT.search(uploaded.headers["location"])
    if found is None:
        raise RuntimeError(f"upload went to {uploaded.headers['location']}")
    page = f"/dashboard/imports/{found.group(1)}"
    mapping = {
        "csrf_token": form_token(client, page),
        "action": "check",
        "use_0": "recipient_name",
        "use_1": "recipient_email",
        "use_2": "issued_on",
        "use_3": "custom",
        "attribute_3": "Cohort",
    }
    log(f"checking {rows} rows")
    started = time.perf_counter()
    expect(client.post(f"{page}/mapping", data=mapping), 303, "checking")
    validation_seconds = time.perf_counter() - started
    if f"Every one of the {rows} rows passed." not in client.get(page).text:
        raise RuntimeError("the rows did not pass the check")
    log(f"issuing {rows} rows")
    started = time.perf_counter()
    token = form_token(client, page)
    expect(client.post(f"{page}/issue", data={"csrf_token": token}), 303, "issuing")
    while True:
        progress = expect(client.get(f"{page}/progress.json"), 200, "progress").json()
        if progress["finished"]:
            break
        time.sleep(POLL_SECONDS)
    issuing_seconds = time.perf_counter() - started
    if (progress["state"], progress["done"]) != ("done", rows):
        raise RuntimeError(f"the import ended as {progress}")
    return {
        "upload": upload_seconds,
        "validation": validation_seconds,
        "issuing": issuing_seconds,
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-") as data_dir:
        env = server_environment(Path(data_dir), args.database_url)
        setup = plaudit_init(env)
        with serving(env, 1) as base_url:
            key = {"Authorization": f"Token token={setup['api_key']}"}
            with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
                group = client.post(
                    "/v1/issuer/groups",
                    headers=key,
                    json={
                        "group": {
                            "name": "Imported",
                            "course_name": "Importing",
                            "course_description": "x",
                        }
                    },
                )
                group_id = int(expect(group, 200, "creating the group").json()["group"]["id"])
                become_owner(client, setup["owner_link"])
                seconds = import_rows(client, group_id, args.rows)
            log(f"v1 bulk_create: {args.rows} credentials, {BULK_BATCH} a request")
            bulk, bulk_seconds, warmup_errors = asyncio.run(
                run_load(base_url, setup["api_key"], args.rows, args.concurrency, BULK_BATCH)
            )
    return {
        "benchmark": "dashboard_import",
        "database": database_label(args.database_url),
        "rows": args.rows,
        "upload_seconds": round(seconds["upload"], 3),
        "validation_seconds": round(seconds["validation"], 3),
        "issuing_seconds": round(seconds["issuing"], 3),
        "credentials_per_second": round(args.rows / seconds["issuing"], 1),
        "bulk_create_v1_credentials_per_second": round(bulk.credentials / bulk_seconds, 1),
        "bulk_create_v1_concurrency": args.concurrency,
        "errors": bulk.errors + warmup_errors,
    }


def main() -> int:
    args = parse_args()
    return run(lambda: benchmark(args), "some bulk_create requests failed")


if __name__ == "__main__":
    sys.exit(main())
