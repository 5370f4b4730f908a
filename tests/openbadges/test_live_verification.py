"""Every public credential page shows its live verification: the page carries the panel, and
`/c/{encoded_id}/verification` answers the checks its signed form passes right now (JSON, or a
page for a browser without JavaScript); the files anyone can verify elsewhere are linked."""

import re

import httpx
from lxml import html

from plaudit.store.db import Database
from tests.openbadges.verify_helpers import issued, revoke


def live(http: httpx.Client, encoded_id: str) -> dict:
    response = http.get(f"/c/{encoded_id}/verification", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def outcomes(result: dict) -> dict[str, str]:
    return {check["name"]: check["outcome"] for check in result["checks"]}


def test_page_carries_the_panel_and_its_links(api: httpx.Client, http: httpx.Client) -> None:
    encoded_id = issued(api)["encoded_id"]
    response = http.get(f"/c/{encoded_id}")
    assert response.status_code == 200
    found = html.fromstring(response.text).xpath('//section[contains(@class, "live-verification")]')
    assert len(found) == 1
    section = found[0]
    assert section.get("data-live").endswith(f"/c/{encoded_id}/verification")
    links = [link.get("href") for link in section.xpath(".//a")]
    for suffix in ("/verification", "/credential.json", "/credential.jwt", "/badge-baked.png"):
        link = next(link for link in links if link.endswith(f"{encoded_id}{suffix}"))
        assert http.get(re.sub(r"^https?://[^/]+", "", link)).status_code == 200
    assert any(link.endswith("/verify") for link in links)


def test_live_result_passes_then_fails_once_revoked(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    encoded_id = issued(api)["encoded_id"]
    result = live(http, encoded_id)
    assert result["valid"] is True
    assert set(outcomes(result).values()) == {"passed"}
    revoke(database, encoded_id)
    result = live(http, encoded_id)
    assert result["valid"] is False and outcomes(result)["status"] == "failed"
    expired = issued(api, issued_on="2019-01-01", expired_on="2020-01-01")["encoded_id"]
    assert outcomes(live(http, expired))["validity"] == "failed"


def test_browser_without_javascript_gets_a_page(api: httpx.Client, http: httpx.Client) -> None:
    encoded_id = issued(api)["encoded_id"]
    response = http.get(f"/c/{encoded_id}/verification", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    document = html.fromstring(response.text)
    assert document.xpath('string(//*[@class="verdict-title"])') == "Verified"


def test_private_credential_is_refused(api: httpx.Client, http: httpx.Client) -> None:
    encoded_id = issued(api, private=True)["encoded_id"]
    response = http.get(f"/c/{encoded_id}/verification", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert http.get("/c/nosuchthing/verification").status_code == 404
