"""Single sign-on with OpenID Connect against `oidc-provider-mock` on loopback: the whole code
flow through HTTP, just-in-time members, and what is refused (another browser's or a changed
state, a token for another audience or with a broken signature, a domain not allowed, a
connection turned off). Also the connections' settings pages: only admins and owners change
them, another organization's connection is not found, the client secret is stored encrypted."""

from collections.abc import Iterator
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import func, select

from plaudit.dashboard import sso_connections
from plaudit.dashboard.sso_connections import ConnectionForm
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import DashboardSession, SsoConnection, TeamMemberIdentity
from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember
from tests.support.dashboard import (
    Member,
    form_token,
    make_member,
    session_form_token,
    signed_in_client,
)
from tests.support.live_server import LiveServer, start_live_server
from tests.support.oidc_provider import Provider, running_provider
from tests.support.tenants import Tenant, make_tenant

CLIENT_SECRET = "client-secret-never-shown-7f3a"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """A server that may reach the provider on loopback (PLAUDIT_SSO_ALLOW_HOSTS)."""
    server = start_live_server(
        settings.model_copy(update={"sso_allow_hosts": "127.0.0.1"}), database
    )
    yield server
    server.stop()


@pytest.fixture
def domain() -> str:
    """A domain of this test's own: the sign-in page looks connections up across organizations."""
    return f"t{uuid4().hex[:12]}.example.org"


def add_connection(
    database: Database,
    settings: Settings,
    organization_id: int,
    issuer: str,
    domain: str,
    *,
    default_role: str = "issuer",
) -> str:
    with database.transaction() as session:
        connection = sso_connections.create(
            session,
            organization_id,
            "oidc",
            ConnectionForm(
                name="Company login",
                default_role=default_role,
                allowed_domains=domain,
                issuer=issuer,
                client_id="plaudit-dashboard",
                client_secret=CLIENT_SECRET,
            ),
            granter_role="owner",
            server_secret=server_secret(settings),
            allowed_hosts=frozenset({"127.0.0.1"}),
        )
        return str(connection.uuid)


def through_provider(client: httpx.Client, connection_uuid: str, subject: str) -> httpx.Response:
    """Starts a sign-in, signs in at the provider as `subject`: the answer to the callback."""
    started = client.get(f"/dashboard/sso/{connection_uuid}/start?next=/dashboard")
    assert started.status_code == 303, started.text
    authorize = started.headers["location"]
    at_provider = httpx.post(authorize, data={"sub": subject}, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    return client.get(at_provider.headers["location"])


def test_the_code_flow_makes_a_member_with_the_default_role_then_signs_it_in_again(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
) -> None:
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    subject = f"ada-{uuid4().hex}"
    provider.set_person(subject, email=f"ada@{domain}", email_verified=True, name="Ada Lovelace")

    with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
        answer = through_provider(browser, key, subject)
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/dashboard"
        page = browser.get("/dashboard")
        assert page.status_code == 200
        assert "Ada Lovelace" in page.text and "(issuer)" in page.text
        assert "plaudit_sso" not in browser.cookies  # the pending sign-in is used up

    with httpx.Client(base_url=sso_server.base_url, timeout=30) as again:
        assert through_provider(again, key, subject).status_code == 303
        assert again.get("/dashboard").status_code == 200

    with database.session(readonly=True) as session:
        members = session.scalars(
            select(TeamMember).where(TeamMember.email_normalized == f"ada@{domain}")
        ).all()
        assert len(members) == 1
        assert members[0].role == "issuer" and members[0].password_hash is None
        assert members[0].organization_id == tenant.organization_id
        vias = session.scalars(
            select(DashboardSession.via).where(DashboardSession.team_member_id == members[0].id)
        ).all()
        assert vias == ["oidc", "oidc"]
        identity = session.scalars(select(TeamMemberIdentity)).all()
        assert [
            (row.subject, row.team_member_id) for row in identity if row.subject == subject
        ] == [(subject, members[0].id)]


def test_an_existing_member_with_the_email_is_signed_in_linked_and_rotated(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
) -> None:
    admin = make_member(database, tenant.organization_id, "admin", email=f"grace@{domain}")
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    subject = f"grace-{uuid4().hex}"
    provider.set_person(subject, email=f"Grace@{domain}", email_verified=True)

    with signed_in_client(sso_server.base_url, admin) as browser:
        by_password = browser.cookies["plaudit_dashboard"]
        assert through_provider(browser, key, subject).status_code == 303
        assert "(admin)" in browser.get("/dashboard").text
        # The session rotated: the password session the browser came with is over.
        assert browser.cookies["plaudit_dashboard"] != by_password
        with httpx.Client(base_url=sso_server.base_url, timeout=30) as old:
            old.cookies.set("plaudit_dashboard", by_password)
            assert old.get("/dashboard").status_code == 303

    with database.session(readonly=True) as session:
        linked = session.scalar(
            select(TeamMemberIdentity.team_member_id).where(TeamMemberIdentity.subject == subject)
        )
        assert linked == admin.member_id


def test_a_changed_state_or_another_browser_is_refused(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
) -> None:
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    subject = f"eve-{uuid4().hex}"
    provider.set_person(subject, email=f"eve@{domain}", email_verified=True)

    with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
        started = browser.get(f"/dashboard/sso/{key}/start")
        at_provider = httpx.post(started.headers["location"], data={"sub": subject}, timeout=10)
        callback = httpx.URL(at_provider.headers["location"])
        changed = callback.copy_set_param("state", "x" + callback.params["state"][1:])
        refused = browser.get(str(changed))
        assert refused.status_code == 403
        assert "not started in this browser" in refused.text
        assert "plaudit_dashboard" not in browser.cookies
        # The real callback in another browser (no pending sign-in there): refused too.
        with httpx.Client(base_url=sso_server.base_url, timeout=30) as other:
            assert other.get(str(callback)).status_code == 403
            assert "plaudit_dashboard" not in other.cookies

    with database.session(readonly=True) as session:
        count = session.scalar(
            select(func.count()).select_from(TeamMember).where(TeamMember.email == f"eve@{domain}")
        )
        assert count == 0


@pytest.mark.parametrize(
    "lie", [{"aud": "someone-else"}, {"iss": "https://idp.example"}, {"exp": 1_000_000}]
)
def test_an_id_token_for_another_audience_issuer_or_time_is_refused(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
    lie: dict[str, object],
) -> None:
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    subject = f"mallory-{uuid4().hex}"
    provider.set_person(subject, email=f"mallory@{domain}", email_verified=True)
    provider.override = lie
    try:
        with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
            refused = through_provider(browser, key, subject)
            assert refused.status_code == 403
            assert "ID token was refused" in refused.text
            assert "plaudit_dashboard" not in browser.cookies
    finally:
        provider.override = None


def test_an_id_token_with_a_broken_signature_is_refused(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
) -> None:
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    subject = f"trudy-{uuid4().hex}"
    provider.set_person(subject, email=f"trudy@{domain}", email_verified=True)
    provider.break_signature = True
    try:
        with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
            refused = through_provider(browser, key, subject)
            assert refused.status_code == 403
            assert "ID token was refused" in refused.text
    finally:
        provider.break_signature = False


def test_a_domain_not_allowed_and_a_connection_turned_off_are_refused(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
) -> None:
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    subject = f"out-{uuid4().hex}"
    provider.set_person(subject, email="someone@elsewhere.example", email_verified=True)
    with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
        refused = through_provider(browser, key, subject)
        assert refused.status_code == 403
        assert "does not accept addresses at elsewhere.example" in refused.text
    with database.session(readonly=True) as session:
        assert (
            session.scalar(
                select(TeamMember).where(TeamMember.email == "someone@elsewhere.example")
            )
            is None
        )

    with database.transaction() as session:
        connection = sso_connections.by_uuid(session, key)
        assert connection is not None
        connection.enabled = False
    with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
        off = browser.get(f"/dashboard/sso/{key}/start")
        assert off.status_code == 403 and "turned off" in off.text
        assert browser.get(f"/dashboard/sso/{uuid4()}/start").status_code == 404
        # Only the canonical spelling: the addresses the provider knows are built from it.
        assert browser.get(f"/dashboard/sso/{key.upper()}/start").status_code == 404


def test_the_sign_in_page_finds_the_connection_by_the_emails_domain(
    sso_server: LiveServer,
    provider: Provider,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
) -> None:
    key = add_connection(database, settings, tenant.organization_id, provider.issuer, domain)
    with httpx.Client(base_url=sso_server.base_url, timeout=30) as browser:
        sign_in = browser.get("/dashboard/sign-in")
        assert "Sign in with single sign-on" in sign_in.text
        found = browser.post("/dashboard/sso", data={"email": f"someone@{domain}"})
        assert found.status_code == 200
        start = f"/dashboard/sso/{key}/start?next=%2Fdashboard"
        assert f'href="{start}"' in found.text
        assert f'http-equiv="refresh" content="0;url={start}"' in found.text
        missing = browser.post("/dashboard/sso", data={"email": "someone@nowhere.example"})
        assert missing.status_code == 404
        assert "No single sign-on is set up" in missing.text
        assert 'aria-describedby="sso-error"' in missing.text
        bad = browser.post("/dashboard/sso", data={"email": "not an email"})
        assert bad.status_code == 422


def test_a_provider_on_a_private_address_is_not_reached_unless_allowed(
    live_server: LiveServer, database: Database, settings: Settings, tenant: Tenant, domain: str
) -> None:
    """The shared server allows no SSO host: a loopback issuer is refused when saved over plain
    HTTP, and not connected to over HTTPS."""
    owner = make_member(database, tenant.organization_id, "owner")
    with signed_in_client(live_server.base_url, owner) as browser:
        token = form_token(browser, "/dashboard/settings/sso/new?protocol=oidc")
        refused = browser.post(
            "/dashboard/settings/sso/new",
            data={
                "csrf_token": token,
                "protocol": "oidc",
                "name": "Loopback",
                "issuer": "http://127.0.0.1:9/",
                "client_id": "x",
                "client_secret": "y",
                "default_role": "viewer",
            },
        )
        assert refused.status_code == 422
        assert "must be an https URL" in refused.text
    key = add_connection(database, settings, tenant.organization_id, "https://127.0.0.1:9", domain)
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        unreachable = browser.get(f"/dashboard/sso/{key}/start")
        assert unreachable.status_code == 502
        assert "loopback" in unreachable.text


def test_an_admin_adds_changes_and_removes_a_connection_whose_secret_stays_hidden(
    sso_server: LiveServer, provider: Provider, database: Database, tenant: Tenant, domain: str
) -> None:
    admin = make_member(database, tenant.organization_id, "admin")
    with signed_in_client(sso_server.base_url, admin) as browser:
        listing = browser.get("/dashboard/settings/sso")
        assert listing.status_code == 200 and "No single sign-on connection yet" in listing.text
        token = form_token(browser, "/dashboard/settings/sso/new?protocol=oidc")
        fields = {
            "csrf_token": token,
            "protocol": "oidc",
            "name": "Okta",
            "issuer": provider.issuer,
            "client_id": "plaudit",
            "client_secret": CLIENT_SECRET,
            "scopes": "openid email",
            "default_role": "viewer",
            "allowed_domains": f"{domain.upper()}, {domain}",
        }
        made = browser.post("/dashboard/settings/sso/new", data=fields)
        assert made.status_code == 303, made.text
        edit = made.headers["location"].split("?")[0]
        page = browser.get(edit)
        key = edit.rsplit("/", 1)[1]
        assert f"/dashboard/sso/{key}/callback" in page.text
        assert CLIENT_SECRET not in page.text

        # An admin may not make owners; a blank secret keeps the saved one.
        owners = browser.post(edit, data={**fields, "default_role": "owner", "client_secret": ""})
        assert owners.status_code == 422 and "is not a role you may grant" in owners.text
        kept = browser.post(edit, data={**fields, "name": "Okta SSO", "client_secret": ""})
        assert kept.status_code == 303

        with database.session(readonly=True) as session:
            connection = session.scalar(
                select(SsoConnection).where(SsoConnection.name == "Okta SSO")
            )
            assert connection is not None and connection.allowed_domains == [domain]
            assert connection.secret_ciphertext is not None
            assert CLIENT_SECRET.encode() not in connection.secret_ciphertext
            assert connection.default_role == "viewer"

        off = browser.post(
            f"/dashboard/settings/sso/{key}/enabled", data={"csrf_token": token, "enabled": "0"}
        )
        assert off.status_code == 303
        assert "Turn on" in browser.get("/dashboard/settings/sso").text
        gone = browser.post(f"/dashboard/settings/sso/{key}/delete", data={"csrf_token": token})
        assert gone.status_code == 303
        assert browser.get(edit).status_code == 404


def test_bad_input_shows_the_form_again_and_saves_nothing(
    live_server: LiveServer, database: Database, tenant: Tenant
) -> None:
    owner = make_member(database, tenant.organization_id, "owner")
    with signed_in_client(live_server.base_url, owner) as browser:
        token = form_token(browser, "/dashboard/settings/sso/new?protocol=oidc")
        refused = browser.post(
            "/dashboard/settings/sso/new",
            data={
                "csrf_token": token,
                "protocol": "oidc",
                "name": "",
                "issuer": "https://idp.example",
                "client_id": "x",
                "client_secret": "",
                "scopes": "email",
                "allowed_domains": "not a domain!",
                "default_role": "viewer",
            },
        )
        assert refused.status_code == 422
        for field, message in (
            ("name", "can&#39;t be blank"),
            ("client_secret", "can&#39;t be blank"),
            ("scopes", "must include openid"),
            ("allowed_domains", "is not a domain name"),
        ):
            assert f'id="{field}-error"' in refused.text, field
            assert message in refused.text, field
        assert 'aria-describedby="allowed_domains-hint allowed_domains-error"' in refused.text
    with database.session(readonly=True) as session:
        assert sso_connections.of_organization(session, tenant.organization_id) == []


@pytest.mark.parametrize("role", ["viewer", "issuer"])
def test_only_admins_and_owners_configure_connections(
    live_server: LiveServer,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    domain: str,
    role: str,
) -> None:
    key = add_connection(database, settings, tenant.organization_id, "https://idp.example", domain)
    member = make_member(database, tenant.organization_id, role)
    with signed_in_client(live_server.base_url, member) as browser:
        token = session_form_token(browser, server_secret(settings))
        assert browser.get("/dashboard/settings/sso").status_code == 403
        assert browser.get(f"/dashboard/settings/sso/{key}").status_code == 403
        for path, data in (
            ("/dashboard/settings/sso/new", {"protocol": "oidc", "name": "Mine"}),
            (f"/dashboard/settings/sso/{key}", {"name": "Renamed"}),
            (f"/dashboard/settings/sso/{key}/enabled", {"enabled": "0"}),
            (f"/dashboard/settings/sso/{key}/delete", {}),
        ):
            answer = browser.post(path, data={"csrf_token": token, **data})
            assert answer.status_code == 403, path
    with database.session(readonly=True) as session:
        connections = sso_connections.of_organization(session, tenant.organization_id)
        assert [(c.name, c.enabled) for c in connections] == [("Company login", True)]


def test_another_organizations_connection_is_not_found(
    live_server: LiveServer, database: Database, settings: Settings, tenant: Tenant, domain: str
) -> None:
    key = add_connection(database, settings, tenant.organization_id, "https://idp.example", domain)
    other = make_tenant(database, "Other Academy")
    owner: Member = make_member(database, other.organization_id, "owner")
    with signed_in_client(live_server.base_url, owner) as browser:
        token = form_token(browser, "/dashboard/settings/sso/new?protocol=oidc")
        assert browser.get(f"/dashboard/settings/sso/{key}").status_code == 404
        for path in (
            f"/dashboard/settings/sso/{key}",
            f"/dashboard/settings/sso/{key}/enabled",
            f"/dashboard/settings/sso/{key}/delete",
        ):
            answer = browser.post(path, data={"csrf_token": token, "name": "Taken", "enabled": "0"})
            assert answer.status_code == 404, path
    with database.session(readonly=True) as session:
        connection = sso_connections.by_uuid(session, key)
        assert connection is not None and connection.name == "Company login" and connection.enabled
