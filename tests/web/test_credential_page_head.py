"""`HEAD /c/{encoded_id}` (link checkers, unfurlers): GET's status and headers without a body,
not counted as a view; and the page of a credential that never expires."""

import httpx

from tests.accredible.helpers import create_group, issue
from tests.web.helpers import events


def test_head_answers_as_get_without_a_body_or_a_view(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = issue(api, create_group(api)["id"])
    head = http.head(credential["url"])
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("text/html")
    assert head.content == b""
    assert events(api, credential["id"]) == []

    private = issue(api, create_group(api)["id"], private=True)
    assert http.head(private["url"]).status_code == 403
    unpublished = issue(api, create_group(api)["id"], approve=False)
    assert http.head(unpublished["url"]).status_code == 404
    assert http.head("/c/doesnotexist").status_code == 404

    assert http.get(credential["url"]).status_code == 200
    assert events(api, credential["id"]) == ["view_certificate"]


def test_a_credential_without_expiry_is_valid_and_names_no_expiry(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = issue(api, create_group(api)["id"])
    assert credential["expired_on"] is None
    page = http.get(credential["url"]).text
    assert "Valid credential" in page
    assert "state-expired" not in page and "expired on" not in page
    assert "Valid credential · expires" not in page and "Expired on" not in page
