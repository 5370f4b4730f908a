"""Organization settings in Chromium: an owner uploads a logo through the form (a real
multipart upload from a file input), and the page shows it; the page keeps its contrast and
fits a phone."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from plaudit.store.db import Database
from tests.e2e.dashboard_browser import sign_in
from tests.e2e.test_dashboard_issue import LOW_CONTRAST, PHONE
from tests.support.dashboard import make_member
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 30" width="180" height="60">'
    b'<rect width="90" height="30" rx="6" fill="#0b6e4f"/>'
    b'<circle cx="15" cy="15" r="9" fill="#ffffff"/></svg>'
)


def test_an_owner_uploads_a_logo_through_the_settings_form(
    page: Page,
    tenant: Tenant,
    database: Database,
    live_server: LiveServer,
    tmp_path: Path,
    screenshot: Callable[..., Path],
) -> None:
    owner = make_member(database, tenant.organization_id, "owner")
    logo = tmp_path / "logo.svg"
    logo.write_bytes(LOGO)

    sign_in(page, live_server.base_url, owner)
    navigation = page.get_by_role("navigation", name="Dashboard")
    navigation.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.get_by_text("No logo yet")).to_be_visible()

    page.get_by_label("Primary colour").fill("#0b6e4f")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Settings saved.")

    page.get_by_label("Upload a logo").set_input_files(str(logo))
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.get_by_role("status")).to_contain_text("Logo saved.")
    shown = page.get_by_role("img", name="Your current logo")
    expect(shown).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('.dash-logo-preview img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert "/logo/" in str(shown.get_attribute("src"))
    assert page.evaluate(LOW_CONTRAST) == []
    screenshot(page, "dashboard-settings")

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-settings-mobile")

    # The achievement form's design gallery draws the designs with the new logo and colour.
    page.set_viewport_size({"width": 1280, "height": 900})
    navigation = page.get_by_role("navigation", name="Dashboard")
    navigation.get_by_role("link", name="Achievements").click()
    page.get_by_role("link", name="New achievement").click()
    expect(page.get_by_role("group", name="Certificate design")).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dash-gallery img')]"
        ".every(i => { i.loading = 'eager'; return i.complete && i.naturalWidth > 0; })"
    )
    assert page.evaluate(LOW_CONTRAST) == []
    screenshot(page, "dashboard-achievement-new")
