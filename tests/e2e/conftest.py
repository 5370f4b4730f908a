"""Browser tests: Debian's headless Chromium (/usr/bin/chromium, never a downloaded browser)
driven by Playwright against the live test server.

The pages run the same code on both databases, and what these tests add over tests/web/ is
what a browser does with the HTML (scripts, styles, images, focus), so they run on SQLite
only: their PostgreSQL runs are deselected.

Fixtures: `browser` (one Chromium for the session), `page` (a fresh context and page that
fails its test on any console error, uncaught script error, failed request, HTTP error
response not declared with `page_problems.allow_status`, or request to another host), and
`screenshot(page, name)`, which keeps a PNG under test-artifacts/e2e/. A failing test's page is
screenshotted there too.
"""

from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run on SQLite only: their PostgreSQL runs are deselected. (Overriding the
    session's `database_url` here instead would hand tests elsewhere whichever database the
    session made first.)"""
    here = Path(__file__).parent
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec else None
        postgres_here = backend == "postgresql" and here in item.path.parents
        (dropped if postgres_here else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): browser tests skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """What went wrong in the browser while a test ran."""

    problems: list[str] = field(default_factory=list)
    allowed: set[tuple[int, str]] = field(default_factory=set)

    def allow_status(self, status: int, path: str) -> None:
        """The test expects `path` to answer `status` (a 403 page, a 404...)."""
        self.allowed.add((status, path))

    def _allows(self, status: int, url: str) -> bool:
        return (status, urlsplit(url).path) in self.allowed

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs every 4xx/5xx as a console error too; allowed answers are not problems.
        path = urlsplit(message.location.get("url", "")).path
        if message.text.startswith("Failed to load resource") and any(
            path == allowed for _, allowed in self.allowed
        ):
            return
        self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and not self._allows(response.status, response.url):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def on_failed(self, request: Request) -> None:
        # ERR_ABORTED: the browser dropped the request itself, as it does with a favicon still
        # loading when the page navigates away (and with requests `local_only` stops).
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(
    browser: Browser, page_problems: PageProblems, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")

    def local_only(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in LOCAL_HOSTS or route.request.url.startswith("data:"):
            route.continue_()
        else:
            page_problems.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.on("console", page_problems.on_console)
    page.on("pageerror", lambda error: page_problems.problems.append(f"script error: {error}"))
    page.on("response", page_problems.on_response)
    page.on("requestfailed", page_problems.on_failed)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        save_screenshot(page, f"FAILED-{request.node.name}")
    context.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name.replace('/', '_')}.png"
    # A closed or crashed page has no picture; the test's own failure says more.
    with suppress(PlaywrightError):
        page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """`screenshot(page, "name")`: a full-page PNG under test-artifacts/e2e/."""
    return save_screenshot


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keeps each phase's report on the test, so that `page` knows when its test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)
