"""Analytics in Chromium: a viewer finds the page in the navigation, chooses a period and
buckets with the form (no script), and reads the charts' numbers; the page keeps its contrast
and fits a phone."""

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from plaudit.store.db import Database
from tests.accredible.helpers import create_group, issue
from tests.dashboard.test_analytics import at, record
from tests.e2e.dashboard_browser import sign_in
from tests.e2e.test_dashboard_issue import LOW_CONTRAST, PHONE
from tests.support.dashboard import make_member
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant


def test_a_viewer_reads_march_per_week(
    page: Page,
    api: httpx.Client,
    tenant: Tenant,
    database: Database,
    live_server: LiveServer,
    screenshot: Callable[..., Path],
) -> None:
    group = create_group(api, name="Astronomy")
    for day in (3, 4, 12):
        credential = issue(api, group["id"], issued_on=f"2025-03-{day:02d}")
        record(database, credential, "view", at(3, day))
    record(database, credential, "share", at(3, 13), channel="linkedin_profile")
    viewer = make_member(database, tenant.organization_id, "viewer")

    sign_in(page, live_server.base_url, viewer)
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytics")

    page.get_by_label("Period").select_option("custom")
    page.get_by_label("From").fill("2025-03-01")
    page.get_by_label("To", exact=True).fill("2025-03-31")
    page.get_by_label("Count per").select_option("week")
    page.get_by_role("button", name="Show").click()

    issued = page.locator("#issued-table")
    expect(issued.get_by_role("row", name="2025-03-03")).to_contain_text("2")
    expect(issued.get_by_role("row", name="2025-03-10")).to_contain_text("1")
    engagement = page.locator("#engagement-table")
    # Week, viewed, shared, added to LinkedIn, verified.
    expect(engagement.get_by_role("row", name="2025-03-10")).to_have_text("2025-03-101110")
    expect(page.locator("#achievement-table")).to_contain_text("Astronomy")
    assert page.locator("svg.chart-drawing").count() == 4
    assert page.evaluate(LOW_CONTRAST) == []
    screenshot(page, "dashboard-analytics")

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-analytics-mobile")
