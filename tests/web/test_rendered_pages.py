"""Rendered credential pages are kept by everything they show (web/rendered_pages.py): a kept
page is never shown to a visitor who may not see it, nor once what it shows has changed."""

import httpx

from plaudit.web.rendered_pages import RenderedPages
from tests.support.live_server import LiveServer
from tests.web.helpers import full_credential, signed_in_browser


def test_a_private_page_kept_for_its_recipient_is_refused_to_anyone_else(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    credential = full_credential(api, private=True)
    with signed_in_browser(api, live_server, credential["id"]) as recipient:
        for _ in range(2):  # rendered, then served as kept
            shown = recipient.get(credential["url"])
            assert shown.status_code == 200
            assert "Ada Lovelace" in shown.text
    refused = http.get(credential["url"])
    assert refused.status_code == 403
    assert "Ada Lovelace" not in refused.text


def test_a_kept_page_is_not_served_once_the_credential_changed(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = full_credential(api, grade="B")
    assert "Grade" in http.get(credential["url"]).text
    before = http.get(credential["url"]).text
    changed = api.patch(f"/v1/credentials/{credential['id']}", json={"credential": {"grade": "A+"}})
    assert changed.status_code == 200
    after = http.get(credential["url"]).text
    assert after != before
    assert "A+" in after


def test_the_least_recently_used_page_goes_first() -> None:
    pages = RenderedPages(max_pages=2)
    renders: list[str] = []

    def render(text: str) -> str:
        renders.append(text)
        return text

    for name in ("a", "b", "a", "c", "a", "b"):
        assert pages.get_or_render("t.html", {"name": name}, lambda name=name: render(name)) == name
    assert renders == ["a", "b", "c", "b"]  # "b" went when "c" came; "a" stayed in use
    assert len(pages) == 2
