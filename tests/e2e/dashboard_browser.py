"""Signing in to the dashboard in the browser, and waiting until a page stops moving."""

from playwright.sync_api import Page, expect

from tests.support.dashboard import Member


def settled(page: Page) -> None:
    """Returns once the page's web fonts have loaded. The stylesheet swaps them in when they
    arrive (`font-display: swap`), and the text that moves then can move a link from under a
    click: a click on "Issue" once landed beside it and the page stayed on the overview."""
    page.evaluate("() => document.fonts.ready.then(() => document.fonts.status)")


def sign_in(page: Page, base_url: str, member: Member) -> None:
    """Signs `member` in through the form; returns on the overview, settled."""
    page.goto(f"{base_url}/dashboard/sign-in")
    page.get_by_label("Email", exact=True).fill(member.email)
    page.get_by_label("Password", exact=True).fill(member.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    settled(page)
