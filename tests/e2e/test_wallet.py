"""The recipient's wallet in Chromium: in through an SSO link, credentials listed with their
badges, one made private and public again, and out."""

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.accredible.helpers import create_group, issue, unique_email
from tests.e2e.conftest import PageProblems
from tests.e2e.test_credential_pages import images_loaded
from tests.support.live_server import LiveServer


def test_wallet_from_an_sso_link(
    page: Page,
    page_problems: PageProblems,
    api: httpx.Client,
    live_server: LiveServer,
    screenshot: Callable[..., Path],
) -> None:
    email = unique_email()
    first = issue(
        api,
        create_group(api, course_name="Data Analysis with Python")["id"],
        recipient={"name": "Grace Hopper", "email": email},
        issued_on="2026-02-02",
    )
    second = issue(
        api,
        create_group(api, course_name="Cloud Foundations")["id"],
        recipient={"name": "Grace Hopper", "email": email},
        issued_on="2026-06-20",
    )
    link = api.post("/v1/sso/generate_link", json={"recipient_email": email, "wallet_view": True})
    page.goto(link.json()["link"])
    expect(page).to_have_url(f"{live_server.base_url}/wallet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    cards = page.locator("li.card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).get_by_role("heading")).to_have_text("Cloud Foundations")
    widths = images_loaded(page, ".card img")
    assert len(widths) == 2 and all(width > 0 for width in widths)
    screenshot(page, "wallet")

    card = page.locator(f"#credential-{first['encoded_id']}")
    card.get_by_role("button", name="Make private").click()
    expect(card.locator(".tag").filter(has_text="Private")).to_be_visible()
    assert api.get(f"/v1/credentials/{first['id']}").json()["credential"]["private"] is True

    anonymous = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        refused = anonymous.new_page().goto(first["url"])
        assert refused is not None and refused.status == 403
    finally:
        anonymous.close()
    own = page.request.get(first["url"])
    assert own.status == 200 and "Only you can see this page." in own.text()

    # Keyboard: the button of the same card makes it public again.
    card.get_by_role("button", name="Make public").focus()
    page.keyboard.press("Enter")
    expect(card.locator(".tag").filter(has_text="Public")).to_be_visible()
    assert api.get(f"/v1/credentials/{first['id']}").json()["credential"]["private"] is False

    with page.expect_navigation():
        page.locator(f"#credential-{second['encoded_id']}").get_by_role("link", name="View").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cloud Foundations")
    page.get_by_role("link", name="Your credentials").click()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")
    page_problems.allow_status(401, "/wallet")
    response = page.goto(f"{live_server.base_url}/wallet")
    assert response is not None and response.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
