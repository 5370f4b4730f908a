"""Issuing from a CSV file in Chromium: upload it through the form, map and check its rows,
issue, and watch the progress bar (dashboard-import.js polling progress.json) reach the end."""

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from plaudit.settings import Settings
from plaudit.store.db import Database
from tests.accredible.helpers import create_group
from tests.e2e.conftest import DESKTOP
from tests.e2e.dashboard_browser import sign_in
from tests.support.dashboard import make_member
from tests.support.jobs import running_worker
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant

ROWS = 40
PHONE = {"width": 390, "height": 844}


def test_a_csv_is_uploaded_checked_and_issued_with_a_live_progress_bar(
    page: Page,
    api: httpx.Client,
    tenant: Tenant,
    database: Database,
    settings: Settings,
    live_server: LiveServer,
    screenshot: Callable[..., Path],
    tmp_path: Path,
) -> None:
    base_url = live_server.base_url
    group = create_group(api, name="Browser import")
    owner = make_member(database, tenant.organization_id, "owner")
    spreadsheet = tmp_path / "learners.csv"
    lines = ["Full name,E-mail,Score"]
    lines += [f"Learner {index},browser-{index}@example.org,{index}" for index in range(ROWS)]
    spreadsheet.write_text("\n".join(lines) + "\n")

    sign_in(page, base_url, owner)
    page.get_by_role("link", name="Import").click()
    page.get_by_role("link", name="Issue from a CSV or XLSX file").click()

    page.get_by_label("Achievement").select_option(label="Browser import")
    page.get_by_label("File").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Upload").click()

    # The header names were guessed; the score becomes the grade.
    expect(page.get_by_label("Use column Full name as")).to_have_value("recipient_name")
    expect(page.get_by_label("Use column E-mail as")).to_have_value("recipient_email")
    page.get_by_label("Use column Score as").select_option(label="Grade")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("browser-0@example.org")
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("#check")).to_contain_text(f"Every one of the {ROWS} rows passed.")
    screenshot(page, "dashboard-import-checked")
    page.set_viewport_size(PHONE)
    screenshot(page, "dashboard-import-checked-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name=f"Issue {ROWS} credentials").click()
    bar = page.locator("progress#import-bar")
    expect(bar).to_have_attribute("max", str(ROWS))
    expect(bar).to_have_attribute("value", "0")  # no worker yet: nothing moves
    worker_settings = settings.model_copy(update={"base_url": base_url})
    with running_worker(database, worker_settings):
        # The script reads progress.json every second and reloads for the summary at the end.
        expect(page.get_by_role("heading", name="Summary")).to_be_visible(timeout=60_000)
    expect(bar).to_have_attribute("value", str(ROWS))
    expect(page.locator("#import-figures")).to_contain_text(f"{ROWS} of {ROWS} rows issued")
    listed = page.get_by_role("link", name="See the credentials of Browser import")
    expect(listed).to_have_attribute("href", f"/dashboard/credentials?achievement={group['id']}")
    screenshot(page, "dashboard-import-done")
