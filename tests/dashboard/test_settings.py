"""`/dashboard/settings`: the organization's name, website, LinkedIn id, default privacy,
colours and logo, and its departments; the logo and colours on the public page, the wallet and
the built-in designs."""

import hashlib
import io
import re

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from plaudit.render.logos import MAX_LOGO_BYTES
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.tables import Department, Organization
from tests.accredible.helpers import create_group, issue
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant
from tests.web.helpers import signed_in_browser

SETTINGS = "/dashboard/settings"
SAFE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 10" width="300" height="100">'
    b'<rect width="30" height="10" fill="#0b6e4f"/></svg>'
)
HOSTILE_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "external href": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://evil.example/x.png" width="9" height="9"/></svg>'
    ),
    "foreignObject": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns='
        b'"http://www.w3.org/1999/xhtml">hi</div></foreignObject></svg>'
    ),
    "event handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "entity": (
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
}


def png(color: tuple[int, int, int], size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def organization(database: Database, tenant: Tenant) -> Organization:
    with database.session(readonly=True) as session:
        found = session.get(Organization, tenant.organization_id)
        assert found is not None
        found.logo  # noqa: B018 -- deferred: loaded before the session ends
        return found


def default_department(database: Database, tenant: Tenant) -> Department:
    with database.session(readonly=True) as session:
        found = session.get(Department, tenant.default_department_id)
        assert found is not None
        return found


def save(client: httpx.Client, **fields: str) -> httpx.Response:
    form = {
        "name": "Test Academy",
        "url": "",
        "linkedin_company_id": "",
        "primary_color": "",
        "accent_color": "",
        **fields,
    }
    return client.post(SETTINGS, data={"csrf_token": form_token(client, SETTINGS), **form})


def upload(client: httpx.Client, content: bytes, name: str = "logo.png") -> httpx.Response:
    token = form_token(client, SETTINGS)
    return client.post(
        f"{SETTINGS}/logo", data={"csrf_token": token}, files={"logo": (name, content)}
    )


def test_settings_are_saved_and_shown(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        saved = save(
            client,
            name="Renamed Academy",
            url="https://renamed.example.org",
            linkedin_company_id="1337",
            private="on",
            primary_color="#1F4E8C",
            accent_color="#e9c46a",
        )
        assert saved.status_code == 303
        page = client.get(saved.headers["location"])
        assert page.status_code == 200
        assert "Settings saved." in page.text
        for shown in ("Renamed Academy", "https://renamed.example.org", "1337", "#1f4e8c"):
            assert shown in page.text
        assert re.search(r'id="private" name="private" checked', page.text)
        assert 'href="/dashboard/settings/sso"' in page.text
    stored = organization(database, tenant)
    assert (stored.name, stored.url) == ("Renamed Academy", "https://renamed.example.org")
    assert (stored.primary_color, stored.accent_color) == ("#1f4e8c", "#e9c46a")
    department = default_department(database, tenant)
    assert department.linkedin_company_id == "1337"
    assert department.generate_private_credential is True


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"primary_color": "#ffff00"}, "primary_color", "contrast of 1.07:1, below 4.5:1"),
        ({"primary_color": "navy"}, "primary_color", "must be a colour written #rrggbb"),
        ({"accent_color": "#12345"}, "accent_color", "must be a colour written #rrggbb"),
        ({"name": "  "}, "name", "can&#39;t be blank"),
        ({"url": "javascript:alert(1)"}, "url", "must be an http or https URL"),
    ],
)
def test_a_bad_field_is_shown_next_to_it_and_nothing_is_written(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    owner: Member,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        refused = save(client, linkedin_company_id="42", **{"name": "Other Name", **fields})
    assert refused.status_code == 422
    assert f'id="{field}-error"' in refused.text and message in refused.text
    assert f'aria-describedby="{field}-hint {field}-error"' in refused.text or (
        f'aria-describedby="{field}-error"' in refused.text
    )
    stored = organization(database, tenant)
    assert stored.name == "Test Academy" and stored.primary_color is None
    assert default_department(database, tenant).linkedin_company_id is None


@pytest.mark.parametrize("kind", sorted(HOSTILE_SVGS))
def test_a_hostile_svg_logo_is_refused(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member, kind: str
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        refused = upload(client, HOSTILE_SVGS[kind], "logo.svg")
    assert refused.status_code == 422
    assert 'id="logo-error"' in refused.text and "This SVG" in refused.text
    assert organization(database, tenant).logo is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not an image", "not a PNG, JPEG or SVG image"),
        (b"GIF89a" + b"\0" * 20, "not a PNG, JPEG or SVG image"),
        (b"", "Choose a PNG, JPEG or SVG file"),
        (b"\x89PNG" + b"\0" * MAX_LOGO_BYTES, "larger than 512 KB"),
    ],
)
def test_a_file_that_is_no_usable_image_is_refused(
    live_server: LiveServer,
    database: Database,
    tenant: Tenant,
    owner: Member,
    content: bytes,
    message: str,
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        refused = upload(client, content, "logo.png" if content else "")
    assert refused.status_code == 422
    assert message in refused.text
    assert organization(database, tenant).logo is None


def test_the_logo_is_served_at_its_address_and_shown_on_public_pages(
    live_server: LiveServer,
    http: httpx.Client,
    api: httpx.Client,
    database: Database,
    tenant: Tenant,
    owner: Member,
) -> None:
    credential = issue(api, create_group(api)["id"])
    page_before = http.get(credential["url"]).text
    certificate = f"{credential['url']}/certificate.png"
    drawn_before = http.get(certificate).content
    with signed_in_client(live_server.base_url, owner) as client:
        assert upload(client, png((200, 30, 30))).status_code == 303
        settings_page = client.get(SETTINGS).text
    stored = organization(database, tenant)
    assert stored.logo_media_type == "image/png"
    assert stored.logo_sha256 == hashlib.sha256(stored.logo or b"").hexdigest()
    address = f"/orgs/{stored.uuid}/logo/{stored.logo_sha256}"
    assert address in settings_page

    served = http.get(address)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in served.headers["cache-control"]
    assert Image.open(io.BytesIO(served.content)).size == (120, 40)
    assert http.get(f"/orgs/{stored.uuid}/logo/{'0' * 64}").status_code == 404

    page = http.get(credential["url"]).text
    assert page != page_before and f'src="{live_server.base_url}{address}"' in page
    drawn = http.get(certificate).content
    assert drawn != drawn_before
    with signed_in_browser(api, live_server, credential["id"]) as browser:
        assert f'src="{live_server.base_url}{address}"' in browser.get("/wallet").text

    with signed_in_client(live_server.base_url, owner) as client:
        assert upload(client, png((20, 30, 200))).status_code == 303
    assert http.get(address).status_code == 404  # the old logo is gone with its address
    assert http.get(certificate).content not in (drawn, drawn_before)

    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, SETTINGS)
        removed = client.post(f"{SETTINGS}/logo/remove", data={"csrf_token": token})
        assert removed.status_code == 303
    assert organization(database, tenant).logo is None
    assert "/logo/" not in http.get(credential["url"]).text


def test_an_svg_logo_is_served_sanitized_under_a_policy_that_runs_nothing(
    live_server: LiveServer, http: httpx.Client, database: Database, tenant: Tenant, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        assert upload(client, SAFE_SVG, "logo.svg").status_code == 303
    stored = organization(database, tenant)
    served = http.get(f"/orgs/{stored.uuid}/logo/{stored.logo_sha256}")
    assert served.headers["content-type"] == "image/svg+xml"
    assert served.headers["content-security-policy"] == "default-src 'none'"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert b"#0b6e4f" in served.content


def test_colours_show_on_the_public_page_and_the_designs(
    live_server: LiveServer, http: httpx.Client, api: httpx.Client, owner: Member
) -> None:
    credential = issue(api, create_group(api)["id"])
    badge = f"{credential['url']}/badge.svg"
    before = http.get(badge).text
    assert "#1d3557" in before
    with signed_in_client(live_server.base_url, owner) as client:
        assert save(client, primary_color="#0b6e4f", accent_color="#7a4d00").status_code == 303
    page = http.get(credential["url"]).text
    theme = re.search(r'href="([^"]+/theme/[0-9a-f]+\.css)"', page)
    assert theme is not None
    sheet = http.get(theme[1])
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    assert "--accent: #0b6e4f" in sheet.text
    after = http.get(badge).text
    assert "#0b6e4f" in after and "#1d3557" not in after


def test_departments_are_added_changed_and_deleted_by_the_rules(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, SETTINGS)
        refused = client.post(
            "/dashboard/settings/departments", data={"csrf_token": token, "name": "Law"}
        )
        assert refused.status_code == 422 and 'id="url-error"' in refused.text
        made = client.post(
            "/dashboard/settings/departments",
            data={
                "csrf_token": token,
                "name": "Law School",
                "url": "https://law.example.org",
                "logo": "https://law.example.org/logo.png",
            },
        )
        assert made.status_code == 303
        with database.session(readonly=True) as session:
            law = session.scalar(select(Department).where(Department.name == "Law School"))
            assert law is not None and law.organization_id == tenant.organization_id
        assert "Law School" in client.get(SETTINGS).text
        path = f"/dashboard/settings/departments/{law.id}"
        changed = client.post(
            path,
            data={
                "csrf_token": token,
                "name": "School of Law",
                "url": "https://law.example.org",
                "logo": "https://law.example.org/logo.png",
            },
        )
        assert changed.status_code == 303
        assert "School of Law" in client.get(path).text

        default = f"/dashboard/settings/departments/{tenant.default_department_id}"
        kept = client.post(f"{default}/delete", data={"csrf_token": token})
        assert kept.status_code == 409 and "cannot be deleted" in kept.text
        assert client.post(f"{path}/delete", data={"csrf_token": token}).status_code == 303
        assert client.get(path).status_code == 404


def test_another_organizations_department_is_not_found(
    live_server: LiveServer, database: Database, owner: Member
) -> None:
    from tests.support.tenants import make_tenant

    other = make_tenant(database, "Other Academy")
    with signed_in_client(live_server.base_url, owner) as client:
        path = f"/dashboard/settings/departments/{other.default_department_id}"
        assert client.get(path).status_code == 404
        token = form_token(client, SETTINGS)
        answer = client.post(f"{path}/delete", data={"csrf_token": token})
        assert answer.status_code == 404


@pytest.mark.parametrize("role", ["viewer", "issuer"])
def test_only_roles_that_manage_settings_see_or_change_them(
    live_server: LiveServer, settings: Settings, database: Database, tenant: Tenant, role: str
) -> None:
    member = make_member(database, tenant.organization_id, role)
    with signed_in_client(live_server.base_url, member) as client:
        assert client.get(SETTINGS).status_code == 403
        assert 'href="/dashboard/settings"' not in client.get("/dashboard").text
        token = session_form_token(client, server_secret(settings))  # a valid one
        for path, form in (
            (SETTINGS, {"name": "Taken Over"}),
            (f"{SETTINGS}/logo/remove", {}),
            ("/dashboard/settings/departments", {"name": "X", "url": "https://x.org"}),
        ):
            answer = client.post(path, data={"csrf_token": token, **form})
            assert answer.status_code == 403, path
        answer = client.post(
            f"{SETTINGS}/logo",
            data={"csrf_token": token},
            files={"logo": ("a.png", png((0, 0, 0)))},
        )
        assert answer.status_code == 403
    stored = organization(database, tenant)
    assert stored.name == "Test Academy" and stored.logo is None
