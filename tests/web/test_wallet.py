"""The recipient wallet over HTTP: its forms (privacy, sign-out), their CSRF tokens, and what
a recipient may and may not change. The browser walk-through is in tests/e2e/test_wallet.py."""

import re

import httpx

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
