"""`/dashboard/openedx`: owners and admins connect Open edX sites (whose JWTs then authenticate
against the credentials API), update them by connecting the issuer again, and disconnect them
after a confirmation; the secret is never shown; viewers and issuers cannot."""

import secrets
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select, update

from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.openedx_tables import OpenedxSite
from tests.openedx.helpers import Site, connect_site, jwt_headers, make_jwt
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.live_server import LiveServer
from tests.support.tenants import Tenant, make_tenant

OPENEDX = "/dashboard/openedx"
CREDENTIALS_API = "/api/v2/credentials/"


def new_site(tenant: Tenant) -> Site:
    return Site(
        organization_id=tenant.organization_id,
        issuer=f"https://lms-{secrets.token_hex(4)}.example.org/oauth2",
        audience="lms-key",
        secret=secrets.token_urlsafe(32),
        service_username="credentials_service_user",
    )


def sites_of(database: Database, organization_id: int) -> list[tuple[str, ...]]:
    """Everything stored of the organization's sites, to show that nothing changed."""
    with database.session(readonly=True) as session:
        rows = session.scalars(
            select(OpenedxSite)
            .where(OpenedxSite.organization_id == organization_id)
            .order_by(OpenedxSite.id)
        ).all()
        return [
            (
                str(row.uuid),
                row.jwt_issuer,
                row.jwt_audience,
                row.jwt_secret_ciphertext.hex(),
                row.encryption_key_id,
                row.service_username or "",
            )
            for row in rows
        ]


def connect_form(client: httpx.Client, token: str, site: Site, **fields: str) -> httpx.Response:
    data = {
        "csrf_token": token,
        "jwt_issuer": site.issuer,
        "jwt_audience": site.audience,
        "jwt_secret": site.secret,
        "service_username": site.service_username,
        **fields,
    }
    return client.post(OPENEDX, data=data)


def credentials_status(base_url: str, token: str) -> int:
    """What the credentials API answers to an LMS presenting `token`."""
    with httpx.Client(base_url=base_url, timeout=30) as lms:
        return lms.get(CREDENTIALS_API, headers=jwt_headers(token)).status_code


def test_an_admin_connects_a_site_whose_tokens_then_work_and_connecting_again_updates_it(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    site = new_site(tenant)
    assert credentials_status(live_server.base_url, make_jwt(site)) == 401
    with signed_in_client(live_server.base_url, admin) as client:
        empty = client.get(OPENEDX)
        assert empty.status_code == 200 and "No Open edX site yet" in empty.text
        assert f"{live_server.base_url}/api/v2/credentials/" in empty.text
        token = form_token(client, OPENEDX)

        connected = connect_form(client, token, site)
        assert connected.status_code == 303
        assert connected.headers["location"] == f"{OPENEDX}?done=connected"
        page = client.get(connected.headers["location"]).text
        assert "The site is connected" in page
        assert site.issuer in page and site.audience in page and site.service_username in page
        assert "usable" in page and "reconnect with the secret" not in page
        assert site.secret not in page
        [(uuid, issuer, audience, *_)] = sites_of(database, tenant.organization_id)
        assert (issuer, audience) == (site.issuer, site.audience)
        assert credentials_status(live_server.base_url, make_jwt(site)) == 200

        # The same issuer again (padded, as pasted): its settings are replaced, not duplicated.
        changed = replace(site, audience="lms-key-2", secret=secrets.token_urlsafe(40))
        again = connect_form(client, token, changed, jwt_issuer=f" {site.issuer} ")
        assert again.headers["location"] == f"{OPENEDX}?done=updated"
        page = client.get(again.headers["location"]).text
        assert "already connected" in page and "lms-key-2" in page
        assert site.secret not in page and changed.secret not in page
        [(same_uuid, _, audience, *_)] = sites_of(database, tenant.organization_id)
        assert (same_uuid, audience) == (uuid, "lms-key-2")
    assert credentials_status(live_server.base_url, make_jwt(site)) == 401
    assert credentials_status(live_server.base_url, make_jwt(changed)) == 200


def test_bad_input_is_shown_in_the_form_and_nothing_is_written(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    admin: Member,
) -> None:
    other = make_tenant(database, name="Other Academy")
    theirs = connect_site(database, settings, other)
    before = sites_of(database, other.organization_id)
    site = new_site(tenant)
    with signed_in_client(live_server.base_url, admin) as client:
        token = form_token(client, OPENEDX)
        for fields, field, reason in (
            ({"jwt_issuer": "  "}, "jwt_issuer", "be blank"),
            ({"jwt_audience": ""}, "jwt_audience", "be blank"),
            ({"jwt_secret": ""}, "jwt_secret", "be blank"),
            ({"jwt_secret": "s" * 2021}, "jwt_secret", "is longer than 2020 bytes"),
            ({"jwt_issuer": "i" * 256}, "jwt_issuer", "is longer than 255 characters"),
            ({"jwt_issuer": "https://lms\x00.example.org"}, "jwt_issuer", "NUL"),
            ({"service_username": "svc\x00"}, "service_username", "NUL"),
            ({"jwt_issuer": theirs.issuer}, "jwt_issuer", "is connected to another organization"),
        ):
            answer = connect_form(client, token, site, **fields)
            assert answer.status_code == 422, fields
            assert f'id="{field}-error"' in answer.text and reason in answer.text, fields
            # The form is kept, but never the secret.
            kept = fields.get("jwt_audience", site.audience)
            assert f'name="jwt_audience" type="text" value="{kept}"' in answer.text, fields
            assert site.secret not in answer.text, fields
        assert connect_form(client, token, site, jwt_secret="s" * 9000).status_code == 400
    assert sites_of(database, tenant.organization_id) == []
    assert sites_of(database, other.organization_id) == before


def test_a_site_is_disconnected_after_a_confirmation_and_its_tokens_stop_working(
    live_server: LiveServer, database: Database, tenant: Tenant, owner: Member
) -> None:
    site = new_site(tenant)
    with signed_in_client(live_server.base_url, owner) as client:
        token = form_token(client, OPENEDX)
        assert connect_form(client, token, site).status_code == 303
        [(uuid, *_)] = sites_of(database, tenant.organization_id)
        assert credentials_status(live_server.base_url, make_jwt(site)) == 200

        listed = client.get(OPENEDX).text
        assert f'href="{OPENEDX}/{uuid}/disconnect"' in listed
        confirm = client.get(f"{OPENEDX}/{uuid}/disconnect")
        assert confirm.status_code == 200
        assert site.issuer in confirm.text and "Disconnect the site" in confirm.text
        assert site.secret not in confirm.text
        # Looking at the confirmation changes nothing.
        assert credentials_status(live_server.base_url, make_jwt(site)) == 200

        done = client.post(f"{OPENEDX}/{uuid}/disconnect", data={"csrf_token": token})
        assert done.status_code == 303
        page = client.get(done.headers["location"]).text
        assert "The site is disconnected" in page and site.issuer not in page
        assert client.get(f"{OPENEDX}/{uuid}/disconnect").status_code == 404
    assert sites_of(database, tenant.organization_id) == []
    assert credentials_status(live_server.base_url, make_jwt(site)) == 401


def test_a_secret_encrypted_under_another_server_secret_asks_to_reconnect(
    live_server: LiveServer, database: Database, tenant: Tenant, admin: Member
) -> None:
    site = new_site(tenant)
    with signed_in_client(live_server.base_url, admin) as client:
        token = form_token(client, OPENEDX)
        assert connect_form(client, token, site).status_code == 303
        with database.transaction() as session:
            session.execute(
                update(OpenedxSite)
                .where(OpenedxSite.jwt_issuer == site.issuer)
                .values(encryption_key_id="0123456789abcdef")
            )
        assert "reconnect with the secret" in client.get(OPENEDX).text
        assert credentials_status(live_server.base_url, make_jwt(site)) == 401

        assert connect_form(client, token, site).status_code == 303
        assert "reconnect with the secret" not in client.get(OPENEDX).text
    assert credentials_status(live_server.base_url, make_jwt(site)) == 200


@pytest.mark.parametrize("role", ["viewer", "issuer"])
def test_viewers_and_issuers_cannot_see_or_change_open_edx_sites(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    role: str,
) -> None:
    site = connect_site(database, settings, tenant)
    before = sites_of(database, tenant.organization_id)
    [(uuid, *_)] = before
    weak = make_member(database, tenant.organization_id, role)
    with signed_in_client(live_server.base_url, weak) as client:
        assert client.get(OPENEDX).status_code == 403
        assert client.get(f"{OPENEDX}/{uuid}/disconnect").status_code == 403
        assert f'href="{OPENEDX}"' not in client.get("/dashboard").text
        token = session_form_token(client, server_secret(settings))
        fresh = {"jwt_issuer": new_site(tenant).issuer, "jwt_audience": "a", "jwt_secret": "s"}
        # Connecting the existing issuer again would replace its secret.
        known = {"jwt_issuer": site.issuer, "jwt_audience": "a", "jwt_secret": "s"}
        for path, data in (
            (OPENEDX, fresh),
            (OPENEDX, known),
            (f"{OPENEDX}/{uuid}/disconnect", {}),
        ):
            answer = client.post(path, data={"csrf_token": token, **data})
            assert answer.status_code == 403, (path, data)
    assert sites_of(database, tenant.organization_id) == before
    assert credentials_status(live_server.base_url, make_jwt(site)) == 200


def test_form_tokens_are_checked_and_another_organizations_site_is_not_found(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    admin: Member,
) -> None:
    other = make_tenant(database, name="Other Academy")
    theirs = connect_site(database, settings, other)
    before = sites_of(database, other.organization_id)
    [(foreign, *_)] = before
    site = new_site(tenant)
    with signed_in_client(live_server.base_url, admin) as client:
        listed = client.get(OPENEDX).text
        assert theirs.issuer not in listed and foreign not in listed
        assert client.post(OPENEDX, data={"jwt_issuer": site.issuer}).status_code == 403
        assert connect_form(client, "0" * 64, site).status_code == 403
        token = form_token(client, OPENEDX)
        for path in (f"{OPENEDX}/{foreign}/disconnect", f"{OPENEDX}/not-a-uuid/disconnect"):
            assert client.get(path).status_code == 404, path
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert sites_of(database, tenant.organization_id) == []
    assert sites_of(database, other.organization_id) == before
    assert credentials_status(live_server.base_url, make_jwt(theirs)) == 200
