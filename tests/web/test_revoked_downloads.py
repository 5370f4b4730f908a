"""A revoked credential's page offers nothing to show off (no PDF, badge or baked badge), but
keeps its signed credential, whose status entry lets any verifier see the revocation; the
README says so."""

from pathlib import Path

import httpx

from plaudit.store.db import Database
from tests.openbadges.verify_helpers import issued, revoke

README = Path(__file__).resolve().parents[2] / "README.md"


def test_a_revoked_page_keeps_only_the_signed_credential_which_shows_the_revocation(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issued(api)
    encoded = credential["encoded_id"]
    assert "/badge-baked.png" in http.get(credential["url"]).text
    revoke(database, encoded)

    page = http.get(credential["url"]).text
    assert "/go/pdf" not in page and "/go/badge" not in page
    assert "/badge-baked.png" not in page and "/badge-baked.svg" not in page
    assert f"/c/{encoded}/credential.json" in page and f"/c/{encoded}/credential.jwt" in page
    assert "shows that it is revoked" in page

    signed = http.get(f"/c/{encoded}/credential.json")
    assert signed.status_code == 200
    result = http.post("/verify", json=signed.json()).json()
    assert result["valid"] is False
    checks = {check["name"]: check["outcome"] for check in result["checks"]}
    assert checks["status"] == "failed" and checks["proof"] == "passed"


def test_the_readme_says_what_a_revoked_page_still_offers() -> None:
    text = " ".join(README.read_text().split())
    assert "nothing to download or share" not in text
    assert "keeps its signed credential" in text
