"""The embedded wallet in Chromium, inside another site's iframe: an issuer's page on
`localhost` (another site than the live server on `127.0.0.1`) frames an `embed` SSO link; the
recipient sees their credentials and makes one private, while a form the issuer's page posts
without the wallet's token changes nothing."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.accredible.helpers import create_group, issue, unique_email
from tests.e2e.conftest import PageProblems
from tests.support.live_server import LiveServer


@contextmanager
def issuer_site(html: str) -> Iterator[str]:
    """Serves `html` at `http://localhost:PORT/`: the same machine, another site."""
    body = html.encode()

    class IssuerPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/" else 204)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            if self.path == "/":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test's own output says what went wrong."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), IssuerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def issuer_page(sso_link: str, forged_action: str) -> str:
    """The issuer's page: the wallet in a frame, and a copy of the wallet's privacy form
    without its token, posting into a frame of its own."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Academy</title></head>
<body>
<h1>Your learning at the Academy</h1>
<iframe name="wallet" title="Your credentials" src="{escape(sso_link)}"
  width="1000" height="700"></iframe>
<form method="post" action="{escape(forged_action)}" target="forged">
  <input type="hidden" name="private" value="true">
  <input type="hidden" name="embed" value="1">
  <button type="submit">Claim your prize</button>
</form>
<iframe name="forged" title="Prize" width="600" height="300"></iframe>
</body></html>"""


def test_embedded_wallet_works_in_another_sites_frame(
    page: Page,
    page_problems: PageProblems,
    api: httpx.Client,
    live_server: LiveServer,
    screenshot: Callable[..., Path],
) -> None:
    email = unique_email()
    recipient = {"name": "Grace Hopper", "email": email}
    first = issue(api, create_group(api, course_name="Compilers")["id"], recipient=recipient)
    second = issue(api, create_group(api, course_name="COBOL")["id"], recipient=recipient)
    link = api.post(
        "/v1/sso/generate_link",
        json={"recipient_email": email, "wallet_view": True, "embed": True},
    ).json()["link"]
    forged_path = f"/wallet/credentials/{second['encoded_id']}/privacy"

    with issuer_site(issuer_page(link, f"{live_server.base_url}{forged_path}")) as issuer_url:
        page.goto(issuer_url)
        wallet = page.frame_locator("iframe[name=wallet]")
        expect(wallet.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
        cards = wallet.locator("li.card")
        expect(cards).to_have_count(2)
        screenshot(page, "embedded-wallet")

        card = wallet.locator(f"#credential-{first['encoded_id']}")
        card.get_by_role("button", name="Make private").click()
        expect(card.locator(".tag").filter(has_text="Private")).to_be_visible()
        assert api.get(f"/v1/credentials/{first['id']}").json()["credential"]["private"] is True

        # The issuer's page posts the same form cross-site, with the session cookie (same
        # partition) but without the token: refused, nothing changes.
        page_problems.allow_status(403, forged_path)
        page.get_by_role("button", name="Claim your prize").click()
        forged = page.frame_locator("iframe[name=forged]")
        expect(forged.get_by_role("heading", level=1)).to_have_text("This form has expired")
        assert api.get(f"/v1/credentials/{second['id']}").json()["credential"]["private"] is False

        wallet.get_by_role("button", name="Sign out").click()
        expect(wallet.get_by_role("heading", level=1)).to_have_text("You are signed out")


def test_embedded_session_stays_in_the_framing_sites_partition(
    page: Page, api: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    link = api.post(
        "/v1/sso/generate_link",
        json={"credential_id": credential["id"], "wallet_view": True, "embed": True},
    ).json()["link"]
    with issuer_site(issuer_page(link, f"{live_server.base_url}/wallet/sign-out")) as issuer_url:
        page.goto(issuer_url)
        wallet = page.frame_locator("iframe[name=wallet]")
        expect(wallet.locator("li.card")).to_have_count(1)
        # Plaudit's own site, in the same browser: not signed in there.
        own = page.context.new_page()
        response = own.goto(f"{live_server.base_url}/wallet?embed=1")
        assert response is not None and response.status == 401
        expect(own.get_by_role("heading", level=1)).to_have_text("You are not signed in")
        own.close()
