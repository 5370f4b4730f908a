"""The recipient wallet over HTTP: its forms (privacy, sign-out), their CSRF tokens, and what
a recipient may and may not change, at the top level and embedded (`?embed=1`, with its
partitioned session). The browser walk-throughs are in tests/e2e/test_wallet.py and
tests/e2e/test_embedded_wallet.py."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from plaudit.web.session import EMBEDDED_COOKIE
from tests.accredible.helpers import create_group, issue
from tests.support.live_server import LiveServer
from tests.web.helpers import signed_in_browser


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "the page has a form token"
    return match[1]


def privacy(browser: httpx.Client, encoded_id: str, **form: str) -> httpx.Response:
    return browser.post(f"/wallet/credentials/{encoded_id}/privacy", data=form)


def test_recipient_makes_a_credential_private_then_public(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    encoded = credential["encoded_id"]
    with signed_in_browser(api, live_server, credential["id"]) as browser:
        wallet = browser.get("/wallet")
        assert wallet.status_code == 200
        assert f'src="{credential["badge"]["image"]["preview"]}"' in wallet.text
        assert f'href="{credential["url"]}/go/pdf"' in wallet.text
        token = form_token(wallet.text)

        hidden = privacy(browser, encoded, csrf_token=token, private="true")
        assert hidden.status_code == 303
        assert hidden.headers["location"].endswith(f"/wallet#credential-{encoded}")
        assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["private"]
        assert http.get(credential["url"]).status_code == 403
        assert browser.get(credential["url"]).status_code == 200
        assert "Make public" in browser.get("/wallet").text

        shown = privacy(browser, encoded, csrf_token=token, private="false", embed="1")
        assert shown.headers["location"].endswith(f"/wallet?embed=1#credential-{encoded}")
        assert http.get(credential["url"]).status_code == 200


def test_forms_without_the_sessions_token_change_nothing(
    api: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    other = issue(api, create_group(api)["id"])
    with signed_in_browser(api, live_server, other["id"]) as stranger:
        strangers_token = form_token(stranger.get("/wallet").text)
    with signed_in_browser(api, live_server, credential["id"]) as browser:
        encoded = credential["encoded_id"]
        for form in ({}, {"csrf_token": "0" * 64}, {"csrf_token": strangers_token}):
            refused = privacy(browser, encoded, private="true", **form)
            assert refused.status_code == 403
            assert "This form has expired" in refused.text
            assert browser.post("/wallet/sign-out", data=form).status_code == 403
        token = form_token(browser.get("/wallet").text)
        assert privacy(browser, encoded, csrf_token=token, private="maybe").status_code == 400
        # Another recipient's credential is not theirs to change, whoever asks.
        assert (
            privacy(browser, other["encoded_id"], csrf_token=token, private="true").status_code
            == 404
        )
        assert browser.get("/wallet").status_code == 200
    assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["private"] is False
    assert api.get(f"/v1/credentials/{other['id']}").json()["credential"]["private"] is False


def test_signed_out_visitors_cannot_post(api: httpx.Client, http: httpx.Client) -> None:
    credential = issue(api, create_group(api)["id"])
    response = privacy(http, credential["encoded_id"], csrf_token="0" * 64, private="true")
    assert response.status_code == 401
    assert http.post("/wallet/sign-out").status_code == 401


def test_sign_out_ends_the_session(api: httpx.Client, live_server: LiveServer) -> None:
    credential = issue(api, create_group(api)["id"], private=True)
    with signed_in_browser(api, live_server, credential["id"]) as browser:
        token = form_token(browser.get("/wallet").text)
        out = browser.post("/wallet/sign-out", data={"csrf_token": token})
        assert out.status_code == 200
        assert "You are signed out" in out.text
        cookie = out.headers["set-cookie"]
        assert "Max-Age=0" in cookie or "expires=Thu, 01 Jan 1970" in cookie
        assert browser.get("/wallet").status_code == 401
        assert browser.get(credential["url"]).status_code == 403


def test_unpublished_credentials_stay_out_of_the_wallet(
    api: httpx.Client, live_server: LiveServer
) -> None:
    published = issue(api, create_group(api)["id"])
    email = published["recipient"]["email"]
    hidden = issue(api, create_group(api)["id"], approve=False, recipient={"email": email})
    with signed_in_browser(api, live_server, published["id"]) as browser:
        wallet = browser.get("/wallet").text
        assert published["encoded_id"] in wallet and hidden["encoded_id"] not in wallet
        assert browser.get(hidden["url"]).status_code == 404


def test_wallet_offers_the_signed_credential_even_when_private(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"], private=True)
    encoded = credential["encoded_id"]
    with signed_in_browser(api, live_server, credential["id"]) as browser:
        wallet = browser.get("/wallet")
        link = f"{credential['url']}/credential.json"
        assert f'href="{link}" download="{encoded}.json"' in wallet.text
        signed = browser.get(link)
        assert signed.status_code == 200
        assert "OpenBadgeCredential" in signed.json()["type"]
    assert http.get(link).status_code == 403


@contextmanager
def embedded_browser(
    api: httpx.Client, live_server: LiveServer, credential_id: str
) -> Iterator[httpx.Client]:
    """A client signed in through an `embed` SSO link: it carries the partitioned cookie
    (Secure, which httpx keeps off plain http, so it is sent by hand as a browser on loopback
    sends it)."""
    body = {"credential_id": credential_id, "wallet_view": True, "embed": True}
    link = api.post("/v1/sso/generate_link", json=body).json()["link"]
    landing = httpx.get(link, timeout=30)
    assert landing.status_code == 303, landing.text
    cookie = landing.headers["set-cookie"].split(";")[0]
    assert cookie.startswith(f"{EMBEDDED_COOKIE}=")
    headers = {"Cookie": cookie}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as browser:
        yield browser


def framable(response: httpx.Response) -> bool:
    return (
        "x-frame-options" not in response.headers
        and "frame-ancestors *" in response.headers["content-security-policy"]
    )


def test_embedded_wallets_forms_work_with_their_token_only(
    api: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    encoded = credential["encoded_id"]
    with signed_in_browser(api, live_server, credential["id"]) as top_level:
        top_level_token = form_token(top_level.get("/wallet").text)
    with embedded_browser(api, live_server, credential["id"]) as browser:
        wallet = browser.get("/wallet?embed=1")
        assert wallet.status_code == 200 and framable(wallet)
        assert 'name="embed" value="1"' in wallet.text
        token = form_token(wallet.text)
        # The token is bound to the cookie: the same recipient's top-level one does not fit.
        for form in ({}, {"csrf_token": top_level_token}):
            refused = privacy(browser, encoded, private="true", embed="1", **form)
            assert refused.status_code == 403 and framable(refused)
            assert "This form has expired" in refused.text
        assert not api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["private"]
        done = privacy(browser, encoded, csrf_token=token, private="true", embed="1")
        assert done.headers["location"].endswith(f"/wallet?embed=1#credential-{encoded}")
        assert api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["private"]

        out = browser.post("/wallet/sign-out", data={"csrf_token": token, "embed": "1"})
        assert out.status_code == 200 and framable(out)
        [forget] = out.headers.get_list("set-cookie")
        assert forget.startswith(f"{EMBEDDED_COOKIE}=;") and "Max-Age=0" in forget
        assert "Partitioned" in forget and "Secure" in forget  # or the browser keeps it


def test_posts_a_browser_says_came_from_elsewhere_are_refused_even_with_the_token(
    api: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    encoded = credential["encoded_id"]
    with embedded_browser(api, live_server, credential["id"]) as browser:
        token = form_token(browser.get("/wallet?embed=1").text)
        for site in ("cross-site", "same-site", "none"):
            headers = {"Sec-Fetch-Site": site}
            form = {"csrf_token": token, "private": "true", "embed": "1"}
            url = f"/wallet/credentials/{encoded}/privacy"
            assert browser.post(url, data=form, headers=headers).status_code == 403
            out = browser.post("/wallet/sign-out", data=form, headers=headers)
            assert out.status_code == 403
        assert not api.get(f"/v1/credentials/{credential['id']}").json()["credential"]["private"]
        same_origin = {"Sec-Fetch-Site": "same-origin"}
        form = {"csrf_token": token, "private": "true"}
        url = f"/wallet/credentials/{encoded}/privacy"
        assert browser.post(url, data=form, headers=same_origin).status_code == 303


def test_a_token_that_is_not_ascii_is_refused_not_an_error(
    api: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    with signed_in_browser(api, live_server, credential["id"]) as browser:
        refused = privacy(browser, credential["encoded_id"], csrf_token="é" * 64, private="true")
    assert refused.status_code == 403


def test_only_the_embedded_wallets_pages_may_be_framed(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    embedded_refusal = http.get("/wallet?embed=1")
    assert embedded_refusal.status_code == 401 and framable(embedded_refusal)
    assert "You are not signed in" in embedded_refusal.text
    refusal = http.get("/wallet")
    assert refusal.status_code == 401 and refusal.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in refusal.headers["content-security-policy"]
    credential = issue(api, create_group(api)["id"])
    with embedded_browser(api, live_server, credential["id"]) as browser:
        # The embedded session opens the ordinary pages too, which still refuse framing.
        assert browser.get("/wallet").headers["x-frame-options"] == "DENY"
        assert browser.get(credential["url"]).headers["x-frame-options"] == "DENY"
