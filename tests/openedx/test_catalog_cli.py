"""`plaudit openedx catalog import` (issue 12, item 2), run as a real process on each backend:
course-discovery's page imported into the organization the same way as through the staff API."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.openedx.catalog_helpers import DISCOVERY_PAGE, PROGRAM, RETIRED_PROGRAM
from tests.openedx.helpers import api_key_headers
from tests.support.tenants import Tenant

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@pytest.fixture
def catalog_import(database_url: str, tmp_path: Path, tenant: Tenant):
    def catalog_import(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "PLAUDIT_DATABASE_URL": database_url,
            "PLAUDIT_DATA_DIR": str(tmp_path),
        }
        command = [PLAUDIT, "openedx", "catalog", "import", *args]
        return subprocess.run(
            [*command, "--org", str(tenant.organization_id)],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return catalog_import


def test_a_discovery_page_imports_then_updates(
    catalog_import, http: httpx.Client, tenant: Tenant
) -> None:
    first = catalog_import(str(DISCOVERY_PAGE), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"created": [PROGRAM, RETIRED_PROGRAM], "updated": []}
    again = catalog_import("-", stdin=DISCOVERY_PAGE.read_text())
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        f"Imported 2 programs into organization {tenant.organization_id}: 0 created, 2 updated."
    )
    listed = http.get("/api/v2/programs/", headers=api_key_headers(tenant)).json()
    assert [program["uuid"] for program in listed["results"]] == [PROGRAM, RETIRED_PROGRAM]


def test_bad_files_fail_in_one_line_and_import_nothing(
    catalog_import, tmp_path: Path, http: httpx.Client, tenant: Tenant
) -> None:
    not_json = tmp_path / "page.json"
    not_json.write_text("{not json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"uuid": "nope", "title": "T"}]))
    for file, reason in (
        (not_json, f"plaudit: {not_json} is not JSON: "),
        (bad, f"plaudit: {bad}: 0.uuid Must be a valid UUID."),
        (tmp_path / "missing.json", "plaudit: No such file or directory"),
    ):
        result = catalog_import(str(DISCOVERY_PAGE), str(file))
        assert result.returncode == 1
        assert result.stderr.startswith(reason), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    listed = http.get("/api/v2/programs/", headers=api_key_headers(tenant)).json()
    assert listed["count"] == 0
