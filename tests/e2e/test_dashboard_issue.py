"""Issuing one credential in Chromium: the form's preview follows what is typed
(dashboard-issue.js), and issuing lands on the new credential's page."""

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from plaudit.store.db import Database
from tests.accredible.helpers import create_group
from tests.e2e.dashboard_browser import sign_in
from tests.support.dashboard import make_member
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

PHONE = {"width": 390, "height": 844}
# WCAG AA (4.5:1) for each element's own text against the background it sits on, as
# tests/e2e/test_credential_pages.py checks the public page.
LOW_CONTRAST = """() => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = e => {
        for (; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] === 1) return c;
        }
        return [255, 255, 255];
    };
    const bad = [];
    for (const e of document.querySelectorAll('main *, header *')) {
        const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) bad.push(`${e.tagName}.${e.className}: ${ratio.toFixed(2)}`);
    }
    return bad;
}"""


def _loaded_preview(page: Page, contains: str) -> str:
    """The certificate preview's address once it names `contains` and its image has loaded."""
    page.wait_for_function(
        """text => {
            const image = document.getElementById('preview-certificate');
            return !image.hidden && image.src.includes(text) && image.complete
                && image.naturalWidth > 0;
        }""",
        arg=contains,
    )
    return str(page.locator("#preview-certificate").get_attribute("src"))


def test_the_issue_form_previews_as_it_is_filled_and_issues(
    page: Page,
    api: httpx.Client,
    tenant: Tenant,
    database: Database,
    live_server: LiveServer,
    screenshot: Callable[..., Path],
) -> None:
    base_url = live_server.base_url
    group = create_group(api, name="Browser issue", course_name="Astronomy Basics")
    issuer = make_member(database, tenant.organization_id, "issuer")

    sign_in(page, base_url, issuer)
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Issue", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue a credential")
    expect(page.locator("#preview-empty")).to_be_visible()

    page.get_by_label("Achievement").select_option(label="Browser issue")
    first = _loaded_preview(page, f"achievement={group['id']}")
    expect(page.locator("#preview-badge")).to_be_visible()

    page.get_by_label("Recipient's name").fill("Vera Rubin")
    updated = _loaded_preview(page, "recipient_name=Vera+Rubin")
    assert updated != first
    expect(page.locator("#preview-status")).to_have_text("Preview updated.")
    page.get_by_label("Recipient's email").fill("vera@example.org")
    page.get_by_label("Grade (optional)").fill("Distinction")
    page.get_by_label("Name 1").fill("telescope")
    page.get_by_label("Value 1").fill("Rubin Observatory")
    _loaded_preview(page, "attribute_value=Rubin+Observatory")
    assert page.evaluate(LOW_CONTRAST) == []
    screenshot(page, "dashboard-issue-form")

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-issue-form-mobile")

    page.get_by_role("button", name="Issue credential").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vera Rubin")
    expect(page.get_by_role("status")).to_have_text("The credential is issued.")
    expect(page.get_by_text("Rubin Observatory")).to_be_visible()
    credential_id = page.url.split("/")[-1].split("?")[0]
    shown = api.get(f"/v1/credentials/{credential_id}").json()["credential"]
    assert shown["recipient"]["email"] == "vera@example.org"
    assert shown["custom_attributes"] == {"telescope": "Rubin Observatory"}
    assert shown["grade"] == "Distinction"
    assert page.evaluate(LOW_CONTRAST) == []
    screenshot(page, "dashboard-credential-detail-mobile")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="All credentials").click()
    expect(page.locator("#credentials-table")).to_contain_text("Vera Rubin")
    assert page.evaluate(LOW_CONTRAST) == []
    screenshot(page, "dashboard-credentials")
