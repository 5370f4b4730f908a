"""The public credential page `/c/{encoded_id}` over HTTP: what it shows, to whom, its
headers, and the analytics it records. Browser-level checks are in tests/e2e/."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import httpx

from plaudit.openbadges import status_list
from plaudit.services import credential_status
from plaudit.store.db import Database
from plaudit.store.tables import Credential
from tests.accredible.helpers import create_group, issue
from tests.support.live_server import LiveServer
from tests.support.statements import counting_queries, of_view_batch
from tests.web.helpers import events, full_credential, signed_in_browser


def meta(html: str, key: str) -> str:
    """The content of `<meta property|name="key" content="...">`."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, f"no meta {key}"
    return unescape(match[1])


def test_page_shows_the_credential_with_its_images_and_link_previews(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = full_credential(api, issued_on="2026-03-14")
    page = http.get(credential["url"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="en">' in html
    for text in (
        "Ada Lovelace",
        "Data Analysis with Python",
        "Cleaning, exploring and charting real data sets.",
        "Test Academy",
        "14 March 2026",
        "pandas",
        "Data visualisation",
        "Capstone project",
        "Grade: 92",
        "Ada&#39;s analysis was the clearest of her cohort.",
        "Charles Babbage",
        "Valid credential",
        "Does not expire",
    ):
        assert text in html, text
    assert f'src="{credential["certificate"]["image"]["preview"]}"' in html
    assert f'src="{credential["badge"]["image"]["preview"]}"' in html
    assert meta(html, "og:image") == credential["seo_image"]
    assert meta(html, "twitter:image") == credential["seo_image"]
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "og:url") == credential["url"]
    assert meta(html, "og:title") == "Data Analysis with Python · Ada Lovelace"
    assert meta(html, "robots") == "index, follow"
    for landmark in ("<header", '<main id="main"', "<aside", "<footer"):
        assert landmark in html
    assert f'href="{credential["url"]}/go/pdf"' in html


def test_page_headers_allow_only_plaudits_own_scripts_and_styles(
    api: httpx.Client, http: httpx.Client
) -> None:
    page = http.get(full_credential(api)["url"])
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert "<style" not in page.text and " style=" not in page.text
    assert "<script>" not in page.text
    for asset in re.findall(r'(?:href|src)="([^"]*/assets/[^"]+)"', page.text):
        response = http.get(asset)
        assert response.status_code == 200, asset
        assert "immutable" in response.headers["cache-control"]
        stylesheet = response.headers["content-type"].startswith("text/css")
        fonts = re.findall(r'url\("([^"]+)"\)', response.text) if stylesheet else []
        for font in fonts:
            font_response = http.get(asset.rsplit("/", 1)[0] + "/" + font)
            assert font_response.status_code == 200
            assert font_response.headers["content-type"] == "font/ttf"


def test_assets_serve_only_known_files(http: httpx.Client) -> None:
    for name in ("../pages.py", "nope.css", "plaudit.py", "..%2Fpages.py", "x.html"):
        assert http.get(f"/assets/{name}").status_code == 404, name
    first = http.get("/assets/plaudit.css")
    assert first.status_code == 200 and "max-age=3600" in first.headers["cache-control"]
    again = http.get("/assets/plaudit.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_unknown_credentials_are_not_found(http: httpx.Client) -> None:
    for path in ("/c/doesnotexist", "/c/" + "x" * 300, "/c/%00", "/c/doesnotexist/go/pdf"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert "There is nothing at this address." in response.text


def test_an_unpublished_credential_has_no_page(api: httpx.Client, http: httpx.Client) -> None:
    credential = issue(api, create_group(api)["id"], approve=False)
    assert http.get(credential["url"]).status_code == 404


def test_private_credential_is_refused_to_everyone_but_its_recipient(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    credential = full_credential(api, private=True)
    refused = http.get(credential["url"])
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "This credential is private" in refused.text
    assert "Ada Lovelace" not in refused.text and "Data Analysis" not in refused.text

    as_api = http.get(credential["url"], headers={"Accept": "application/json"})
    assert as_api.status_code == 403
    assert as_api.json() == {"errors": "Private Certificate, use key"}

    for target in ("pdf", "linkedin-profile", "course"):
        assert http.get(f"{credential['url']}/go/{target}").status_code == 403
    assert http.post(f"{credential['url']}/go/copy-link").status_code == 403

    someone_else = issue(api, create_group(api)["id"])
    with signed_in_browser(api, live_server, someone_else["id"]) as stranger:
        assert stranger.get(credential["url"]).status_code == 403

    with signed_in_browser(api, live_server, credential["id"]) as recipient:
        shown = recipient.get(credential["url"])
        assert shown.status_code == 200
        assert "Only you can see this page." in shown.text
        assert 'content="noindex"' in shown.text
        assert recipient.get(f"{credential['url']}/go/pdf").status_code == 303
    assert events(api, credential["id"]) == ["recipient_view_certificate", "recipient_download_pdf"]


def test_expired_credential_says_so(api: httpx.Client, http: httpx.Client) -> None:
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    expired = issue(api, create_group(api)["id"], issued_on="2024-01-10", expired_on=yesterday)
    page = http.get(expired["url"]).text
    assert "state-expired" in page and "This credential expired on" in page
    assert "Valid credential" not in page

    later = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    valid = http.get(issue(api, create_group(api)["id"], expired_on=later)["url"]).text
    assert "Valid credential · expires" in valid and "expired on" not in valid


def test_views_shares_downloads_and_clicks_are_recorded(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    credential = full_credential(api, expired_on="2031-06-30", id="LIC-PAGES-1")
    base = credential["url"]
    assert http.get(base).status_code == 200

    expected: dict[str, str] = {
        "pdf": f"{base}/certificate.pdf",
        "badge": f"{base}/badge.png",
        "course": "https://academy.example.org/data-analysis",
        "issuer": "https://issuer.example.org",
    }
    for target, location in expected.items():
        response = http.get(f"{base}/go/{target}")
        assert response.status_code == 303, target
        assert response.headers["location"] == location
        assert response.headers["cache-control"] == "no-store"

    profile = httpx.URL(http.get(f"{base}/go/linkedin-profile").headers["location"])
    assert str(profile).startswith("https://www.linkedin.com/profile/add?")
    assert dict(profile.params) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Data Analysis with Python",
        "organizationName": "Test Academy",
        "issueYear": credential["issued_on"][:4],
        "issueMonth": str(int(credential["issued_on"][5:7])),
        "expirationYear": "2031",
        "expirationMonth": "6",
        "certUrl": base,
        "certId": "LIC-PAGES-1",
    }
    linkedin = httpx.URL(http.get(f"{base}/go/linkedin").headers["location"])
    assert linkedin.host == "www.linkedin.com" and linkedin.params["url"] == base
    x = httpx.URL(http.get(f"{base}/go/x").headers["location"])
    assert x.host == "x.com" and x.params["url"] == base
    evidence_id = credential["evidence_items"][0]["id"]
    evidence = http.get(f"{base}/go/evidence-{evidence_id}")
    assert evidence.headers["location"] == "https://example.org/p"
    assert http.post(f"{base}/go/copy-link").status_code == 204

    assert events(api, credential["id"]) == [
        "view_certificate",
        "download_pdf",
        "download_badge",
        "click_course_link",
        "click_organization_link",
        "share_linkedin_profile",
        "share_linkedin",
        "share_twitter",
        "click_evidence",
        "share_copy_link",
    ]
    with signed_in_browser(api, live_server, credential["id"]) as recipient:
        recipient.get(base)
    assert events(api, credential["id"])[-1] == "recipient_view_certificate"
    analytics = api.get("/v1/analytics", params={"group_id": credential["group_id"]}).json()
    assert len(analytics["analytics"]) == 11


def test_outgoing_links_go_only_where_the_credential_says(
    api: httpx.Client, http: httpx.Client
) -> None:
    credential = issue(api, create_group(api, course_link="javascript:alert(1)")["id"])
    base = credential["url"]
    for target in ("course", "nope", "evidence-1", "evidence-", "https:%2F%2Fevil.example"):
        assert http.get(f"{base}/go/{target}").status_code == 404, target
    assert events(api, credential["id"]) == []
    assert "/go/course" not in http.get(base).text


def test_the_department_names_and_links_the_issuer(api: httpx.Client, http: httpx.Client) -> None:
    body = {
        "name": "Data",
        "url": "https://data.example.org",
        "logo": "https://data.example.org/logo.png",
        "linkedin_company_id": "1337",
    }
    department = api.post("/v1/departments", json={"department": body}).json()["department"]
    group = create_group(api, department_id=department["id"])
    credential = issue(api, group["id"])
    location = httpx.URL(http.get(f"{credential['url']}/go/linkedin-profile").headers["location"])
    assert location.params["organizationId"] == "1337"
    assert "organizationName" not in location.params
    page = http.get(credential["url"]).text
    assert "Test Academy · Data" in page
    assert '<img class="issuer-logo" src="https://data.example.org/logo.png"' in page
    issuer = http.get(f"{credential['url']}/go/issuer").headers["location"]
    assert issuer == "https://data.example.org"


def test_pages_escape_what_issuers_and_recipients_wrote(
    api: httpx.Client, http: httpx.Client
) -> None:
    hostile = '<script>alert(1)</script>"'
    group = create_group(api, course_name=hostile, course_description=hostile)
    credential = issue(
        api,
        group["id"],
        name=hostile,
        recipient={"name": hostile},
        evidence_items=[{"description": hostile, "category": "url", "url": "javascript:x"}],
    )
    page = http.get(credential["url"])
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in page.text
    assert "javascript:" not in page.text


def test_the_page_costs_a_few_queries_whatever_the_credential_holds(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    small = issue(api, create_group(api)["id"])
    many = {
        "evidence_items": [
            {"description": f"Item {n}", "category": "url", "url": f"https://example.org/{n}"}
            for n in range(12)
        ],
        "references": [
            {"description": f"Reference {n}", "relationship": "worked", "referee": {"name": "R"}}
            for n in range(8)
        ],
    }
    large = full_credential(api, **many)
    counts = []
    for credential in (small, large):
        with counting_queries(database) as statements:
            assert http.get(credential["url"]).status_code == 200
        # The shared server's batch of views may be written meanwhile (web/page_views.py).
        page = [statement for statement in statements if not of_view_batch(statement)]
        counts.append(len(page))
    # Evidence items and references cost a statement each only when the credential has some.
    assert counts[1] <= counts[0] + 2, counts
    assert counts[1] <= 5, counts


def give_status_entry(database: Database, credential_id: str, *, revoke: bool = False) -> None:
    """What signing does first (a status list entry), then optionally a revocation. Plaudit's
    Accredible dialect cannot revoke, so the test calls the service a revoking dialect calls."""
    with database.transaction() as session:
        credential = session.get(Credential, int(credential_id))
        assert credential is not None
        status_list.allocate(session, credential)
        if revoke:
            credential_status.revoked(session, credential)


def test_revoked_credential_says_so_and_offers_nothing_as_valid(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer, database: Database
) -> None:
    credential = full_credential(api)
    give_status_entry(database, credential["id"])
    assert "state-valid" in http.get(credential["url"]).text
    give_status_entry(database, credential["id"], revoke=True)

    page = http.get(credential["url"])
    assert page.status_code == 200
    html = page.text
    assert "state-revoked" in html and "This credential has been revoked." in html
    assert "Revoked · not valid" in html
    assert "Valid credential" not in html
    assert "/go/pdf" not in html and "/go/linkedin" not in html and "/go/x" not in html
    assert meta(html, "robots") == "noindex"
    with signed_in_browser(api, live_server, credential["id"]) as recipient:
        wallet = recipient.get("/wallet").text
    assert 'class="tag tag-revoked">Revoked<' in wallet


def test_a_deleted_credential_is_gone(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    """A credential that was signed (as issuing does) leaves its status entry as a tombstone."""
    credential = issue(api, create_group(api)["id"])
    give_status_entry(database, credential["id"])
    assert api.delete(f"/v1/credentials/{credential['id']}").status_code == 200
    for url in (credential["url"], f"{credential['url']}/go/pdf"):
        gone = http.get(url)
        assert gone.status_code == 410
        assert "This credential has been deleted" in gone.text
