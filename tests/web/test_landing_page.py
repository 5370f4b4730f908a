"""`GET /`: a small page saying what this server is, with the way in (verify, docs, a first
request), under the same headers as every other page."""

import html

import httpx


def test_the_root_is_a_landing_page_with_the_first_request(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    page = html.unescape(response.text)
    base_url = str(http.base_url).rstrip("/")
    assert f'href="{base_url}/verify"' in page
    assert f'href="{base_url}/docs"' in page
    # The README's first request, with this server's own address.
    assert f"curl -s -X POST {base_url}/v1/issuer/groups" in page
    assert f"curl -s -X POST {base_url}/v1/credentials" in page
    assert "Authorization: Token token=$KEY" in page
    assert "plaudit init" in page


def test_head_on_the_root_answers_as_get_without_a_body(http: httpx.Client) -> None:
    head = http.head("/")
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in head.headers
    assert head.content == b""
