"""`plaudit credentials revoke`: the way to revoke while the Accredible dialect has no revoke."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from plaudit.openbadges import status_list
from plaudit.services import credential_status
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue
from tests.support.tenants import Tenant

PLAUDIT = str(Path(sys.executable).parent / "plaudit")


@pytest.fixture
def revoke(database_url: str, tmp_path: Path, tenant: Tenant):
    def revoke(ref: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "PLAUDIT_DATABASE_URL": database_url,
            "PLAUDIT_DATA_DIR": str(tmp_path),
        }
        return subprocess.run(
            [PLAUDIT, "credentials", "revoke", ref, "--org", str(tenant.organization_id)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return revoke


def test_revoked_credential_fails_verification_and_its_page_says_so(
    api: httpx.Client, http: httpx.Client, revoke
) -> None:
    group = create_group(api)
    credential = issue(api, group["id"])
    encoded = credential["encoded_id"]
    signed = http.get(f"/c/{encoded}/credential.json").json()
    assert _status(http, signed) == "passed"

    result = revoke(str(credential["id"]))
    assert result.returncode == 0, result.stderr

    assert _status(http, signed) == "failed"
    page = http.get(f"/c/{encoded}")
    assert page.status_code == 200 and "Revoked" in page.text


def test_unknown_credential_is_refused(revoke) -> None:
    result = revoke("no-such-credential")
    assert result.returncode != 0 and "no credential" in result.stderr


def test_a_credential_never_signed_is_revoked_for_later_copies_too(
    api: httpx.Client, database: Database
) -> None:
    group = create_group(api)
    encoded = issue(api, group["id"], approve=False)["encoded_id"]  # unpublished: not signed
    with database.transaction() as session:
        credential = session.scalar(select(Credential).where(Credential.encoded_id == encoded))
        assert credential is not None
        assert status_list.entry_of(session, credential.id) is None
        credential_status.revoked(session, credential)
    with database.session() as session:
        assert status_list.revocation(session, credential.id) == (True, "revoked")


def _status(http: httpx.Client, signed: dict) -> str:
    response = http.post(
        "/verify", content=json.dumps(signed), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return next(c["outcome"] for c in response.json()["checks"] if c["name"] == "status")
