"""The verify page in Chromium: a person pastes or drops a credential and sees which checks
passed; with JavaScript off, the form posts and the server shows the same answer."""

import json
from collections.abc import Callable
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import Browser, Page, expect

from plaudit.openbadges.data_integrity import add_proof
from plaudit.store.db import Database
from tests.openbadges.verify_helpers import (
    issued,
    revoke,
    signed_json,
    signed_jwt,
    tampered_json,
)


def paste_and_verify(page: Page, base_url: str, text: str) -> None:
    page.goto(f"{base_url}/verify")
    page.get_by_label("Or paste a credential (JSON-LD or JWT)").fill(text)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verify-result .verdict")).to_be_visible()


def outcome(page: Page, check: str) -> str:
    return page.locator(f'#verify-result tr[data-check="{check}"] td').first.inner_text()


def test_good_credential_pasted_and_dropped(
    page: Page,
    api: httpx.Client,
    http: httpx.Client,
    screenshot: Callable[..., Path],
    tmp_path: Path,
) -> None:
    base_url = str(http.base_url).rstrip("/")
    encoded_id = issued(api)["encoded_id"]
    paste_and_verify(page, base_url, json.dumps(signed_json(http, encoded_id), indent=2))
    expect(page.locator("#verify-result .verdict-title")).to_have_text("Verified")
    expect(page.locator("#verify-result .verdict-what")).to_contain_text("Applied Cryptography")
    for check in ("proof", "issuer", "status", "validity", "schema"):
        assert outcome(page, check) == "passed"
    screenshot(page, "verify-page-valid")

    # A baked badge, chosen as a file: the page verifies it at once.
    badge = tmp_path / "badge.png"
    badge.write_bytes(http.get(f"/c/{encoded_id}/badge-baked.png").content)
    page.goto(f"{base_url}/verify")
    page.locator("#verify-file").set_input_files(str(badge))
    expect(page.locator("#verify-result .verdict-title")).to_have_text("Verified")
    expect(page.locator("#verify-result")).to_contain_text("from png")

    paste_and_verify(page, base_url, signed_jwt(http, encoded_id))
    expect(page.locator("#verify-result .verdict-title")).to_have_text("Verified")
    expect(page.locator("#verify-result")).to_contain_text("vc+jwt")


def test_bad_credentials_say_which_check_failed(
    page: Page,
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    screenshot: Callable[..., Path],
) -> None:
    base_url = str(http.base_url).rstrip("/")
    encoded_id = issued(api)["encoded_id"]
    document = signed_json(http, encoded_id)

    paste_and_verify(page, base_url, json.dumps(tampered_json(document)))
    expect(page.locator("#verify-result .verdict-title")).to_have_text("Not verified")
    assert outcome(page, "proof") == "failed"
    expect(page.locator('#verify-result tr[data-check="proof"]')).to_contain_text("does not match")
    screenshot(page, "verify-page-tampered")

    revoke(database, encoded_id)
    paste_and_verify(page, base_url, json.dumps(document))
    expect(page.locator("#verify-result .verdict-title")).to_have_text("Not verified")
    assert outcome(page, "status") == "failed" and outcome(page, "proof") == "passed"

    expired = issued(api, issued_on="2019-01-01", expired_on="2020-01-01")["encoded_id"]
    paste_and_verify(page, base_url, json.dumps(signed_json(http, expired)))
    assert outcome(page, "validity") == "failed"

    key = Ed25519PrivateKey.generate()
    foreign = dict(document, issuer={"id": "did:web:issuer.example.org", "type": ["Profile"]})
    foreign.pop("proof")
    paste_and_verify(
        page, base_url, json.dumps(add_proof(foreign, key, "did:web:issuer.example.org#k"))
    )
    assert outcome(page, "issuer") == "could not be checked"
    expect(page.locator("#verify-result .verdict-title")).to_have_text("Could not be checked")
    expect(page.locator('#verify-result tr[data-check="issuer"]')).to_contain_text("not fetched")

    paste_and_verify(page, base_url, "not a credential")
    expect(page.locator("#verify-result .verdict-error")).to_contain_text("compact JWT")


def test_without_javascript_the_form_posts(
    browser: Browser, api: httpx.Client, http: httpx.Client, screenshot: Callable[..., Path]
) -> None:
    base_url = str(http.base_url).rstrip("/")
    token = signed_jwt(http, issued(api)["encoded_id"])
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/verify")
        page.get_by_label("Or paste a credential (JSON-LD or JWT)").fill(token)
        with page.expect_navigation():
            page.get_by_role("button", name="Verify").click()
        expect(page.locator("#verify-result .verdict-title")).to_have_text("Verified")
        assert page.locator('#verify-result tr[data-check="proof"] td').first.inner_text() == (
            "passed"
        )
        # The pasted credential is shown again, for another try.
        assert page.get_by_label("Or paste a credential (JSON-LD or JWT)").input_value() == token
        screenshot(page, "verify-page-no-js")
    finally:
        context.close()


def test_credential_page_shows_its_live_verification(
    page: Page,
    api: httpx.Client,
    http: httpx.Client,
    database: Database,
    screenshot: Callable[..., Path],
) -> None:
    credential = issued(api)
    page.goto(credential["url"])
    panel = page.locator(".live-verification")
    expect(panel.locator(".verdict-title")).to_have_text("Verified just now")
    expect(panel.locator('li[data-check="proof"] .check-outcome')).to_have_text("passed")
    expect(panel.locator("li")).to_have_count(5)
    panel.scroll_into_view_if_needed()
    screenshot(page, "credential-page-live-verification")

    revoke(database, credential["encoded_id"])
    page.goto(credential["url"])
    expect(panel.locator(".verdict-title")).to_have_text("Does not verify")
    expect(panel.locator('li[data-check="status"]')).to_contain_text("revoked")
