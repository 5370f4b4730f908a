"""Issue 15's walk-through in Chromium: a new owner goes from `plaudit orgs create` through the
welcome form, the organization's settings, a new achievement with designs from the gallery,
issuing one credential (its preview loads), a 1,000-row CSV import (a bad row reported at its
row and cell, the fixed file issued in the background with a live progress bar), revoking a
credential with its confirmation step and reading a public page's view in analytics. Then
fresh browser contexts sign in to the same organization through OpenID Connect and SAML 2.0.

The SSO connections are made through the services (as tests/dashboard/test_sso_*.py do): their
settings pages have tests of their own, and the point here is the browser's round trip through
the provider. One server of this module (allowed to reach the provider on loopback) serves the
whole walk, and a worker of this module runs the import."""

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from sqlalchemy import select
from typer.testing import CliRunner

from plaudit.cli import app
from plaudit.dashboard import sso_connections
from plaudit.dashboard.sso_connections import ConnectionForm
from plaudit.server_secret import server_secret
from plaudit.settings import Settings, get_settings
from plaudit.store.db import Database
from plaudit.store.tables import Organization
from tests.e2e.conftest import DESKTOP, LOCAL_HOSTS
from tests.e2e.dashboard_browser import settled
from tests.e2e.test_dashboard_settings import LOGO
from tests.support.jobs import running_worker
from tests.support.live_server import LiveServer, start_live_server
from tests.support.oidc_provider import running_provider
from tests.support.saml_idp import Answer, running_idp

ROWS = 1000
BAD_ROW = 499  # 0-based among the people: row 501 of the spreadsheet (row 1 is the header)
PASSWORD = "a walk-through passphrase"
WELCOME_LINK = re.compile(r"(https?://\S+/dashboard/welcome/[A-Za-z0-9_-]+)")
XMLSEC1 = Path("/usr/bin/xmlsec1")


@pytest.fixture(scope="module")
def walk_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """A server that may reach the OpenID provider on loopback (PLAUDIT_SSO_ALLOW_HOSTS)."""
    server = start_live_server(
        settings.model_copy(update={"sso_allow_hosts": "127.0.0.1"}), database
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def import_worker(
    database: Database, settings: Settings, walk_server: LiveServer
) -> Iterator[None]:
    worker_settings = settings.model_copy(
        update={"base_url": walk_server.base_url, "job_retry_seconds": 0.05}
    )
    with running_worker(database, worker_settings):
        yield


def orgs_create(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, database_url: str, base_url: str, name: str
) -> str:
    """`plaudit orgs create NAME` on the test database, as tests/dashboard/test_links.py runs
    it: the first-owner link it prints."""
    monkeypatch.setenv("PLAUDIT_DATABASE_URL", database_url)
    monkeypatch.setenv("PLAUDIT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PLAUDIT_BASE_URL", base_url)
    monkeypatch.delenv("PLAUDIT_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    root, plaudit = logging.getLogger(), logging.getLogger("plaudit")
    kept = root.handlers[:], root.level, plaudit.level
    try:
        result = CliRunner().invoke(app, ["orgs", "create", name])
    finally:
        # The command logs to the runner's stream, closed after it: the server's threads must
        # not log there.
        root.handlers = kept[0]
        root.setLevel(kept[1])
        plaudit.setLevel(kept[2])
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    found = WELCOME_LINK.search(result.output)
    assert found is not None, result.output
    return found.group(1)


def people_csv(path: Path, *, bad: bool) -> Path:
    lines = ["Name,Email"]
    for index in range(ROWS):
        email = "not-an-email" if bad and index == BAD_ROW else f"walk-{index}@example.org"
        lines.append(f"Learner {index},{email}")
    path.write_text("\n".join(lines) + "\n")
    return path


def add_connection(
    database: Database,
    settings: Settings,
    organization_id: int,
    protocol: str,
    form: ConnectionForm,
) -> str:
    with database.transaction() as session:
        made = sso_connections.create(
            session,
            organization_id,
            protocol,
            form,
            granter_role="owner",
            server_secret=server_secret(settings),
            allowed_hosts=frozenset({"127.0.0.1"}),
        )
        return str(made.uuid)


def fresh_context(browser: Browser) -> BrowserContext:
    """A new browser (no cookies) that stays on loopback: the mock provider's page asks for a
    style sheet on a CDN, which is dropped."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")

    def local_only(route: Route) -> None:
        host = route.request.url.split("/")[2].split(":")[0] if "//" in route.request.url else ""
        if host in LOCAL_HOSTS or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    return context


def start_sso(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/dashboard/sign-in")
    page.get_by_label("Work email").fill(email)
    page.get_by_role("button", name="Continue with single sign-on").click()


def test_a_new_owner_walks_through_the_dashboard(
    page: Page,
    browser: Browser,
    database: Database,
    database_url: str,
    settings: Settings,
    walk_server: LiveServer,
    import_worker: None,
    screenshot: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    base_url = walk_server.base_url
    suffix = uuid4().hex[:8]
    organization = f"Walk-through {suffix}"
    domain = f"w{suffix}.example.org"
    owner_email = f"olive@{domain}"

    # 1. `plaudit orgs create` prints the first owner's link.
    link = orgs_create(monkeypatch, settings, database_url, base_url, organization)
    assert link.startswith(f"{base_url}/dashboard/welcome/")

    # 2. The welcome form makes the owner and signs them in.
    page.goto(link)
    expect(page.get_by_text(organization)).to_be_visible()
    page.get_by_label("Your name").fill("Olive Owner")
    page.get_by_label("Email", exact=True).fill(owner_email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.locator("form.dash-form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/dashboard")
    expect(page.get_by_text("Olive Owner").first).to_be_visible()
    settled(page)
    navigation = page.get_by_role("navigation", name="Dashboard")

    # 3. Organization settings: website and colour, then a logo file.
    navigation.get_by_role("link", name="Settings").click()
    page.get_by_label("Website").fill("https://walk.example.org")
    page.get_by_label("Primary colour").fill("#0b6e4f")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Settings saved.")
    expect(page.get_by_label("Website")).to_have_value("https://walk.example.org")
    logo = tmp_path / "logo.svg"
    logo.write_bytes(LOGO)
    page.get_by_label("Upload a logo").set_input_files(str(logo))
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.get_by_role("status")).to_contain_text("Logo saved.")
    expect(page.get_by_role("img", name="Your current logo")).to_be_visible()

    # 4. A new achievement with a certificate and a badge design chosen in the gallery.
    navigation.get_by_role("link", name="Achievements").click()
    page.get_by_role("link", name="New achievement").click()
    page.get_by_label("Name", exact=True).fill(f"walk-{suffix}")
    page.get_by_label("Course name").fill("Walking the Dashboard")
    page.get_by_label("Description").fill("Every screen, once.")
    certificates = page.get_by_role("group", name="Certificate design").get_by_role("radio")
    badges = page.get_by_role("group", name="Badge design").get_by_role("radio")
    chosen_certificate = certificates.nth(certificates.count() - 1)
    chosen_badge = badges.nth(badges.count() - 1)
    chosen_certificate.check()
    chosen_badge.check()
    certificate_id = chosen_certificate.get_attribute("value")
    badge_id = chosen_badge.get_attribute("value")
    page.get_by_role("button", name="Create the achievement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("walk-")
    expect(
        page.locator(f"input[name=certificate_design_id][value='{certificate_id}']")
    ).to_be_checked()
    expect(page.locator(f"input[name=badge_design_id][value='{badge_id}']")).to_be_checked()

    # 5. Issue one credential; its preview image loads.
    navigation.get_by_role("link", name="Issue", exact=True).click()
    page.get_by_label("Achievement").select_option(label=f"walk-{suffix}")
    page.get_by_label("Recipient's name").fill("Vera Rubin")
    page.get_by_label("Recipient's email").fill(f"vera@{domain}")
    page.wait_for_function(
        """() => {
            const image = document.getElementById('preview-certificate');
            return !image.hidden && image.src.includes('Vera+Rubin') && image.complete
                && image.naturalWidth > 0;
        }"""
    )
    page.get_by_role("button", name="Issue credential").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vera Rubin")
    expect(page.get_by_role("status")).to_have_text("The credential is issued.")
    credential_page = page.url.split("?")[0]

    # 6. A 1,000-row CSV with one bad row: the error at its row and cell; the fixed file issues
    # in the background and the progress bar reaches the end.
    navigation.get_by_role("link", name="Import").click()
    page.get_by_role("link", name="Issue from a CSV or XLSX file").click()
    page.get_by_label("Achievement").select_option(label=f"walk-{suffix}")
    page.get_by_label("File").set_input_files(str(people_csv(tmp_path / "bad.csv", bad=True)))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_label("Use column Email as")).to_have_value("recipient_email")
    page.get_by_role("button", name="Check every row").click()
    check = page.locator("#check")
    expect(check).to_contain_text("1 error in 1 row")
    error_row = check.locator("tr", has=page.locator(f"th:text-is('{BAD_ROW + 2}')"))
    expect(error_row).to_contain_text("Email")
    expect(error_row).to_contain_text("is invalid")
    expect(page.get_by_role("button", name=f"Issue {ROWS} credentials")).to_have_count(0)
    screenshot(page, "walkthrough-import-errors")

    navigation.get_by_role("link", name="Import").click()
    page.get_by_role("link", name="Issue from a CSV or XLSX file").click()
    page.get_by_label("Achievement").select_option(label=f"walk-{suffix}")
    page.get_by_label("File").set_input_files(str(people_csv(tmp_path / "fixed.csv", bad=False)))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("#check")).to_contain_text(f"Every one of the {ROWS} rows passed.")
    page.get_by_role("button", name=f"Issue {ROWS} credentials").click()
    bar = page.locator("progress#import-bar")
    expect(bar).to_have_attribute("max", str(ROWS))
    expect(page.get_by_role("heading", name="Summary")).to_be_visible(timeout=60_000)
    expect(bar).to_have_attribute("value", str(ROWS))
    expect(page.locator("#import-figures")).to_contain_text(f"{ROWS} of {ROWS} rows issued")
    screenshot(page, "walkthrough-import-done")

    # 8 (first half). The public page of the credential issued by hand: a view to count.
    page.goto(credential_page)
    page.get_by_role("link", name="Public page").click()
    expect(page.get_by_text("Vera Rubin").first).to_be_visible()

    # 7. Revoke it from its detail page, through the confirmation step.
    page.goto(credential_page)
    page.get_by_role("link", name="Revoke credential").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this credential")
    page.get_by_label("Reason (optional, kept with the credential)").fill("Issued by mistake")
    page.get_by_role("button", name="Revoke credential").click()
    expect(page.get_by_role("status")).to_have_text("The credential is revoked.")
    expect(page.locator(".dash-state")).to_have_text("Revoked")

    # 8. Analytics: the view and the 1,001 issued credentials are counted.
    navigation.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytics")
    viewed = page.evaluate(
        """() => {
            const table = document.getElementById('engagement-table');
            const column = [...table.querySelectorAll('thead th')]
                .findIndex(cell => cell.textContent.trim() === 'Viewed');
            return [...table.querySelectorAll('tbody tr')].reduce(
                (sum, row) => sum + Number(row.children[column].textContent), 0);
        }"""
    )
    assert viewed >= 1
    screenshot(page, "walkthrough-analytics")
    expect(page.locator("#achievement-table")).to_contain_text(f"walk-{suffix}")

    # 9. Fresh browsers sign in to the same organization through OpenID Connect and SAML.
    with database.session(readonly=True) as session:
        organization_id = session.scalars(
            select(Organization.id).where(Organization.name == organization)
        ).one()
    with running_provider() as provider:
        add_connection(
            database,
            settings,
            organization_id,
            "oidc",
            ConnectionForm(
                name="Company login",
                default_role="issuer",
                allowed_domains=domain,
                issuer=provider.issuer,
                client_id="plaudit-dashboard",
                client_secret="walk-through-client-secret",
            ),
        )
        subject = f"ada-{suffix}"
        provider.set_person(subject, email=f"ada@{domain}", email_verified=True, name="Ada OIDC")
        context = fresh_context(browser)
        try:
            oidc_page = context.new_page()
            start_sso(oidc_page, base_url, f"ada@{domain}")
            oidc_page.locator("input[name=sub]").fill(subject)
            oidc_page.get_by_role("button", name="Authorize").click()
            expect(oidc_page).to_have_url(f"{base_url}/dashboard")
            expect(oidc_page.get_by_text("Ada OIDC").first).to_be_visible()
            expect(oidc_page.get_by_text("(issuer)")).to_be_visible()
            screenshot(oidc_page, "walkthrough-oidc-signed-in")
        finally:
            context.close()

    if not XMLSEC1.exists():
        pytest.skip("xmlsec1 (Debian package) is not installed: the SAML sign-in is skipped")
    saml_domain = f"s{suffix}.example.org"
    (tmp_path / "idp").mkdir()
    with running_idp(tmp_path / "idp") as idp:
        add_connection(
            database,
            settings,
            organization_id,
            "saml",
            ConnectionForm(
                name="Campus IdP",
                default_role="viewer",
                allowed_domains=saml_domain,
                metadata=idp.metadata,
            ),
        )
        idp.answer = Answer(email=f"grace@{saml_domain}", name="Grace SAML")
        context = fresh_context(browser)
        try:
            saml_page = context.new_page()
            start_sso(saml_page, base_url, f"grace@{saml_domain}")
            saml_page.get_by_role("button", name="Continue").click()
            expect(saml_page).to_have_url(f"{base_url}/dashboard")
            expect(saml_page.get_by_text("Grace SAML").first).to_be_visible()
            expect(saml_page.get_by_text("(viewer)")).to_be_visible()
            screenshot(saml_page, "walkthrough-saml-signed-in")
        finally:
            context.close()
