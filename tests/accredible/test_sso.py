"""SSO links: `POST /v1/sso/generate_link`, the landing page that uses the code up, and the
recipient page it signs in to."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select, update

from plaudit.services.sso import code_hash
from plaudit.store.db import Database
from plaudit.store.sso_tables import SsoCode
from plaudit.web.session import COOKIE, EMBEDDED_COOKIE
from tests.accredible.helpers import create_group, issue, unique_email
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_conforms
from tests.support.tenants import Tenant, add_department, department_key, make_tenant

PATH = "/v1/sso/generate_link"


def generate(api: httpx.Client, **body: object) -> str:
    response = api.post(PATH, json=body)
    assert response.status_code == 200, response.text
    assert_conforms("post", PATH, 200, response.json())
    assert set(response.json()) == {"link"}
    return response.json()["link"]


def land(live_server: LiveServer, link: str) -> tuple[httpx.Response, httpx.Client]:
    """Opens the link in a fresh browser-like client; returns the answer and the client."""
    client = httpx.Client(base_url=live_server.base_url, timeout=30)
    return client.get(link), client


def code_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["code"][0]


def sso_rows(database: Database, organization_id: int) -> int:
    with database.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(SsoCode)
            .where(SsoCode.organization_id == organization_id)
        )


def test_link_by_credential_id_signs_the_recipient_in_once(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    group = create_group(api)
    credential = issue(api, group["id"], recipient={"name": "Ada Lovelace"})
    link = generate(api, credential_id=credential["id"])
    assert link.startswith(f"{live_server.base_url}/c/{credential['encoded_id']}/sso?code=")

    response, browser = land(live_server, link)
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"{live_server.base_url}/wallet?credential={credential['encoded_id']}"
    )
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=86400" in cookie

    page = browser.get(response.headers["location"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Ada Lovelace" in page.text and credential["name"] in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"

    again, _ = land(live_server, link)
    assert again.status_code == 410
    assert "already been used" in again.text
    assert "set-cookie" not in again.headers


def test_only_a_keyed_hash_of_the_code_is_stored(
    api: httpx.Client, database: Database, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"])
    code = code_of(generate(api, credential_id=credential["id"]))
    with database.session() as session:
        stored = session.scalars(
            select(SsoCode.code_hash).where(SsoCode.organization_id == tenant.organization_id)
        ).all()
    assert len(stored) == 1
    assert stored[0] != code and code not in stored[0] and len(stored[0]) == 64
    assert len(code) >= 40


def test_credential_id_takes_every_reference(api: httpx.Client) -> None:
    license_id = f"LIC-{unique_email()}"
    credential = issue(api, create_group(api)["id"], id=license_id)
    for reference in (
        license_id,
        credential["id"],
        int(credential["id"]),
        credential["encoded_id"],
    ):
        assert f"/c/{credential['encoded_id']}/sso?" in generate(api, credential_id=reference)


def test_recipient_email_and_id_pick_the_most_recent_credential(
    api: httpx.Client, live_server: LiveServer
) -> None:
    email = unique_email()
    first_group, second_group = create_group(api), create_group(api)
    older = issue(api, first_group["id"], recipient={"email": email, "id": "student-7"})
    newer = issue(api, second_group["id"], recipient={"email": email, "id": "student-7"})
    for body in (
        {"recipient_email": email.upper()},
        {"recipient_id": "student-7"},
        {"recipient_id": "student-7", "recipient_email": email},
    ):
        assert f"/c/{newer['encoded_id']}/sso?" in generate(api, **body)
    by_group = generate(api, recipient_email=email, group_id=str(first_group["id"]))
    assert f"/c/{older['encoded_id']}/sso?" in by_group
    by_number = generate(api, recipient_email=email, group_id=first_group["id"])
    assert f"/c/{older['encoded_id']}/sso?" in by_number


def test_wallet_view_lists_the_recipients_credentials_in_this_organization_only(
    api: httpx.Client, live_server: LiveServer, database: Database
) -> None:
    email = unique_email()
    mine = [issue(api, create_group(api)["id"], recipient={"email": email}) for _ in range(2)]
    someone_else = issue(api, create_group(api)["id"])
    other_tenant = make_tenant(database)
    other = httpx.Client(
        base_url=live_server.base_url,
        headers={"Authorization": f"Token token={other_tenant.api_key}"},
        timeout=30,
    )
    elsewhere = issue(other, create_group(other)["id"], recipient={"email": email})

    response, browser = land(live_server, generate(api, recipient_email=email, wallet_view=True))
    assert response.status_code == 303
    assert response.headers["location"] == f"{live_server.base_url}/wallet"
    page = browser.get("/wallet")
    assert page.status_code == 200
    for credential in mine:
        assert f'id="credential-{credential["encoded_id"]}"' in page.text
    assert someone_else["encoded_id"] not in page.text
    assert elsewhere["encoded_id"] not in page.text

    focused = browser.get(f"/wallet?credential={mine[0]['encoded_id']}")
    assert mine[0]["encoded_id"] in focused.text and mine[1]["encoded_id"] not in focused.text
    assert browser.get(f"/wallet?credential={someone_else['encoded_id']}").status_code == 404


def test_embed_lands_on_a_framable_wallet(api: httpx.Client, live_server: LiveServer) -> None:
    credential = issue(api, create_group(api)["id"])
    embedded = generate(api, credential_id=credential["id"], wallet_view=True, embed=True)
    response, _ = land(live_server, embedded)
    assert response.headers["location"] == f"{live_server.base_url}/wallet?embed=1"
    # In the issuer's iframe only a partitioned cookie is kept (docs/adr/0006); no Lax one.
    [cookie] = response.headers.get_list("set-cookie")
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == EMBEDDED_COOKIE
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"path=/", "httponly", "secure", "samesite=none", "partitioned"} <= attributes
    assert not any(part.startswith("domain") for part in attributes)
    # The cookie is Secure: httpx keeps it off plain http, as a browser does except on loopback.
    with httpx.Client(headers={"Cookie": f"{name}={value}"}, timeout=30) as browser:
        page = browser.get(response.headers["location"])
    assert page.status_code == 200
    assert "x-frame-options" not in page.headers
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    # Without the wallet view, embed is ignored, as the OpenAPI file says.
    plain, _ = land(live_server, generate(api, credential_id=credential["id"], embed=True))
    assert plain.headers["location"].endswith(f"/wallet?credential={credential['encoded_id']}")


def test_top_level_sessions_stay_same_site_lax(api: httpx.Client, live_server: LiveServer) -> None:
    credential = issue(api, create_group(api)["id"])
    for body in ({}, {"wallet_view": True}, {"embed": True}):
        response, _ = land(live_server, generate(api, credential_id=credential["id"], **body))
        [cookie] = response.headers.get_list("set-cookie")
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert cookie.startswith(f"{COOKIE}=")
        assert "samesite=lax" in attributes and "httponly" in attributes
        assert "partitioned" not in attributes and "samesite=none" not in attributes


def test_expired_link_is_refused_with_a_way_back(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    credential = issue(api, create_group(api)["id"])
    link = generate(api, credential_id=credential["id"], redirect_to="https://lms.example.org/x")
    with database.transaction() as session:
        session.execute(
            update(SsoCode)
            .where(SsoCode.organization_id == tenant.organization_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    response, _ = land(live_server, link)
    assert response.status_code == 410
    assert "has expired" in response.text
    assert 'href="https://lms.example.org/x"' in response.text
    assert "set-cookie" not in response.headers


def test_used_link_without_redirect_points_at_the_organization(
    api: httpx.Client, live_server: LiveServer
) -> None:
    link = generate(api, credential_id=issue(api, create_group(api)["id"])["id"])
    land(live_server, link)
    response, _ = land(live_server, link)
    assert response.status_code == 410
    assert 'href="https://issuer.example.org"' in response.text


def test_codes_expire_after_the_configured_time(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    before = datetime.now(UTC)
    generate(api, credential_id=issue(api, create_group(api)["id"])["id"])
    with database.session() as session:
        expires_at = session.scalar(
            select(SsoCode.expires_at).where(SsoCode.organization_id == tenant.organization_id)
        )
    expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    assert before + timedelta(seconds=3590) < expires_at < before + timedelta(seconds=3700)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda link: link.replace("code=", "code=x"),
        lambda link: link.split("?")[0],
        lambda link: link.split("?")[0] + "?code=" + "a" * 5000,
        lambda link: link.split("?")[0] + "?code=%00",
        lambda link: link.replace("/sso?", "nope/sso?"),
        lambda link: link.replace("/c/", "/c/%00"),
    ],
)
def test_wrong_codes_are_not_valid(api: httpx.Client, live_server: LiveServer, mangle) -> None:
    link = generate(api, credential_id=issue(api, create_group(api)["id"])["id"])
    response, _ = land(live_server, mangle(link))
    assert response.status_code == 404
    assert "not valid" in response.text
    assert "set-cookie" not in response.headers
    # The real link still works afterwards.
    assert land(live_server, link)[0].status_code == 303


def test_a_code_works_only_for_its_own_credential(
    api: httpx.Client, live_server: LiveServer
) -> None:
    group = create_group(api)
    first, second = issue(api, group["id"]), issue(api, group["id"])
    link = generate(api, credential_id=first["id"])
    moved = link.replace(first["encoded_id"], second["encoded_id"])
    assert land(live_server, moved)[0].status_code == 404


def test_a_code_signed_with_another_secret_is_not_valid(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    link = generate(api, credential_id=issue(api, create_group(api)["id"])["id"])
    with database.transaction() as session:
        session.execute(
            update(SsoCode)
            .where(SsoCode.organization_id == tenant.organization_id)
            .values(code_hash=code_hash(b"another secret" * 4, code_of(link)))
        )
    assert land(live_server, link)[0].status_code == 404


def test_wallet_needs_a_valid_session(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        assert browser.get("/wallet").status_code == 401
        browser.cookies.set(COOKIE, "eyJvIjoxLCJlIjoiYUBiLmMifQ.forged.signature")
        response = browser.get("/wallet")
    assert response.status_code == 401
    assert "not signed in" in response.text


def test_pages_escape_what_recipients_and_issuers_wrote(
    api: httpx.Client, live_server: LiveServer
) -> None:
    hostile = "<script>alert(1)</script>"
    group = create_group(api, course_name=f"{hostile} course")
    credential = issue(api, group["id"], name=hostile, recipient={"name": f"{hostile} name"})
    _, browser = land(live_server, generate(api, credential_id=credential["id"]))
    page = browser.get(f"/wallet?credential={credential['encoded_id']}")
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        ({}, 422, {"credential_id": ["can't be blank"]}),
        ({"credential_id": " "}, 422, {"credential_id": ["can't be blank"]}),
        ({"group_id": "1"}, 422, {"credential_id": ["can't be blank"]}),
        ({"credential_id": "nope"}, 404, "Doesn't exist"),
        ({"recipient_email": "nobody@example.com"}, 404, "Doesn't exist"),
        ({"recipient_id": "nobody"}, 404, "Doesn't exist"),
        (
            {"credential_id": "x", "redirect_to": "javascript:alert(1)"},
            422,
            {"redirect_to": ["is invalid"]},
        ),
        (
            {"credential_id": "x", "redirect_to": "/relative"},
            422,
            {"redirect_to": ["is invalid"]},
        ),
        (
            {"credential_id": "x" * 256},
            422,
            {"credential_id": ["is too long (maximum is 255 characters)"]},
        ),
        ({"credential_id": "x", "wallet_view": "sure"}, 422, {"wallet_view": ["is not a boolean"]}),
        ({"credential_id": {"a": 1}}, 422, {"credential_id": ["is invalid"]}),
    ],
)
def test_refused_requests_write_nothing(
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    body: dict[str, object],
    status: int,
    errors: object,
) -> None:
    issue(api, create_group(api)["id"])
    response = api.post(PATH, json=body)
    assert response.status_code == status, response.text
    assert response.json() == {"errors": errors}
    assert sso_rows(database, tenant.organization_id) == 0


def test_group_id_that_is_not_a_number_finds_nothing(api: httpx.Client) -> None:
    email = unique_email()
    issue(api, create_group(api)["id"], recipient={"email": email})
    response = api.post(PATH, json={"recipient_email": email, "group_id": "abc"})
    assert response.status_code == 404


def test_another_tenants_credential_is_not_found(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    other_tenant = make_tenant(database)
    other = httpx.Client(
        base_url=live_server.base_url,
        headers={"Authorization": f"Token token={other_tenant.api_key}"},
        timeout=30,
    )
    theirs = issue(other, create_group(other)["id"])
    for body in (
        {"credential_id": theirs["id"]},
        {"credential_id": theirs["encoded_id"]},
        {"recipient_email": theirs["recipient"]["email"]},
    ):
        response = api.post(PATH, json=body)
        assert response.status_code == 404
        assert response.json() == {"errors": "Doesn't exist"}
    assert sso_rows(database, tenant.organization_id) == 0
    assert sso_rows(database, other_tenant.organization_id) == 0


def test_department_scoped_keys_reach_their_department_only(
    api: httpx.Client, live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    department_id = add_department(database, tenant.organization_id, "Science")
    scoped = httpx.Client(
        base_url=live_server.base_url,
        headers={
            "Authorization": (
                f"Token token={department_key(database, tenant.organization_id, department_id)}"
            )
        },
        timeout=30,
    )
    email = unique_email()
    outside = issue(api, create_group(api)["id"], recipient={"email": email})
    inside = issue(scoped, create_group(scoped)["id"], recipient={"email": email})
    newest_outside = issue(api, create_group(api)["id"], recipient={"email": email})
    assert scoped.post(PATH, json={"credential_id": outside["id"]}).status_code == 404
    assert f"/c/{inside['encoded_id']}/sso?" in generate(scoped, recipient_email=email)
    assert f"/c/{newest_outside['encoded_id']}/sso?" in generate(api, recipient_email=email)


def test_generate_link_needs_a_key(http: httpx.Client, api: httpx.Client) -> None:
    credential = issue(api, create_group(api)["id"])
    response = http.post(PATH, json={"credential_id": credential["id"]})
    assert response.status_code == 401
    assert response.text == "HTTP Token: Access denied."
    bad_body = http.post(PATH, json={"credential_id": {"a": 1}})
    assert bad_body.status_code == 401


def test_deleting_the_credential_voids_its_links(
    api: httpx.Client, live_server: LiveServer
) -> None:
    credential = issue(api, create_group(api)["id"])
    link = generate(api, credential_id=credential["id"])
    assert api.delete(f"/v1/credentials/{credential['id']}").status_code == 200
    assert land(live_server, link)[0].status_code == 404


def test_of_concurrent_clicks_exactly_one_signs_in(
    api: httpx.Client, live_server: LiveServer
) -> None:
    link = generate(api, credential_id=issue(api, create_group(api)["id"])["id"])

    def click(_: int) -> int:
        with httpx.Client(timeout=30) as browser:
            return browser.get(link).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(click, range(8)))
    assert statuses == [303] + [410] * 7
